(module
  ;; The hot loop of PlainRecordScanner (src/engines/local/plain-scan.ts), which owns the rules. Rebuild
  ;; with `npm run generate`. It takes 64 bytes at a time: SIMD marks which are separators and which
  ;; are not digits, and the checks run once per field rather than once per byte (about twice as fast
  ;; as a loop over bytes, itself 2.4 times faster than the same loop in JavaScript).
  ;; Memory bytes 0-255: per field, the most digits a numeric field may have (0 for a string field).
  ;; Memory bytes from 65536: the chunk to scan, at most 1 MiB, and room for the last block to read
  ;; past its end.
  ;; The globals carry the scan's state from one chunk to the next: the field being read, where it
  ;; began (negative when it began in an earlier chunk), whether it holds a non-digit, its last byte.
  (memory (export "memory") 18)
  (global $field (export "field") (mut i32) (i32.const 0))
  (global $fieldStart (export "fieldStart") (mut i32) (i32.const 0))
  (global $nondigit (export "nondigit") (mut i32) (i32.const 0))
  (global $previous (export "previous") (mut i32) (i32.const 0))

  ;; Of 16 bytes, as bits: which are separators (any byte up to a space), and which are not digits.
  (func $separators (param $v v128) (result i64)
    (i64.extend_i32_u (i8x16.bitmask (i8x16.le_u (local.get $v) (i8x16.splat (i32.const 32))))))
  (func $nondigits (param $v v128) (result i64)
    (i64.extend_i32_u (i8x16.bitmask (i8x16.gt_u (i8x16.sub (local.get $v) (i8x16.splat (i32.const 48))) (i8x16.splat (i32.const 9))))))

  ;; Scans bytes [i, end) of the chunk; returns 0 at the first sign the records are not plain, else 1.
  ;; A record has lastField + 1 fields, each ended by one space, the last by a line feed.
  (func (export "scan") (param $i i32) (param $end i32) (param $lastField i32) (result i32)
    (local $field i32) (local $fs i32) (local $nd i32) (local $prev i32)
    (local $count i32) (local $seps i64) (local $nds i64) (local $v v128) (local $from i32)
    (local $p i32) (local $pos i32) (local $b i32) (local $len i32) (local $limit i32) (local $fieldNd i32) (local $last i32)
    (local.set $field (global.get $field))
    (local.set $fs (global.get $fieldStart))
    (local.set $nd (global.get $nondigit))
    (local.set $prev (global.get $previous))
    (block $done
      (loop $block
        ;; The next block: up to 64 bytes, whose bit k in seps (nds) says whether byte i + k is a
        ;; separator (not a digit).
        (local.set $count (i32.sub (local.get $end) (local.get $i)))
        (br_if $done (i32.le_s (local.get $count) (i32.const 0)))
        (if (i32.gt_u (local.get $count) (i32.const 64)) (then (local.set $count (i32.const 64))))
        (local.set $v (v128.load offset=65536 (local.get $i)))
        (local.set $seps (call $separators (local.get $v)))
        (local.set $nds (call $nondigits (local.get $v)))
        (local.set $v (v128.load offset=65552 (local.get $i)))
        (local.set $seps (i64.or (local.get $seps) (i64.shl (call $separators (local.get $v)) (i64.const 16))))
        (local.set $nds (i64.or (local.get $nds) (i64.shl (call $nondigits (local.get $v)) (i64.const 16))))
        (local.set $v (v128.load offset=65568 (local.get $i)))
        (local.set $seps (i64.or (local.get $seps) (i64.shl (call $separators (local.get $v)) (i64.const 32))))
        (local.set $nds (i64.or (local.get $nds) (i64.shl (call $nondigits (local.get $v)) (i64.const 32))))
        (local.set $v (v128.load offset=65584 (local.get $i)))
        (local.set $seps (i64.or (local.get $seps) (i64.shl (call $separators (local.get $v)) (i64.const 48))))
        (local.set $nds (i64.or (local.get $nds) (i64.shl (call $nondigits (local.get $v)) (i64.const 48))))
        (if (i32.lt_u (local.get $count) (i32.const 64))
          (then
            ;; A last, shorter block: the bytes past the chunk's end are not its own.
            (local.set $seps (i64.and (local.get $seps) (i64.sub (i64.shl (i64.const 1) (i64.extend_i32_u (local.get $count))) (i64.const 1))))
            (local.set $nds (i64.and (local.get $nds) (i64.sub (i64.shl (i64.const 1) (i64.extend_i32_u (local.get $count))) (i64.const 1))))))
        ;; The field open at the block's start begins, within the block, at bit 0.
        (local.set $from (i32.const 0))
        (block $fieldsDone
          (loop $nextField
            ;; A separator at pos ends the field that began at fs.
            (br_if $fieldsDone (i64.eqz (local.get $seps)))
            (local.set $p (i32.wrap_i64 (i64.ctz (local.get $seps))))
            (local.set $seps (i64.and (local.get $seps) (i64.sub (local.get $seps) (i64.const 1))))
            (local.set $pos (i32.add (local.get $i) (local.get $p)))
            (local.set $b (i32.load8_u offset=65536 (local.get $pos)))
            (local.set $len (i32.sub (local.get $pos) (local.get $fs)))
            (if (i32.or
                  (i32.or (i32.eqz (local.get $len)) (i32.gt_u (local.get $field) (local.get $lastField)))
                  (i32.and (i32.ne (local.get $b) (i32.const 32)) (i32.ne (local.get $b) (i32.const 10))))
              (then (return (i32.const 0))))
            ;; A line feed ends the last field, and only it.
            (if (i32.ne (i32.eq (local.get $b) (i32.const 10)) (i32.eq (local.get $field) (local.get $lastField)))
              (then (return (i32.const 0))))
            (local.set $limit (i32.load8_u (local.get $field)))
            (if (local.get $limit)
              (then
                ;; A non-digit in an earlier block, or in the field's bits [from, p) of this one.
                (local.set $fieldNd (i32.or (local.get $nd)
                  (i64.ne (i64.const 0)
                    (i64.and
                      (i64.shr_u (local.get $nds) (i64.extend_i32_u (local.get $from)))
                      (i64.sub (i64.shl (i64.const 1) (i64.extend_i32_u (i32.sub (local.get $p) (local.get $from)))) (i64.const 1))))))
                (if (local.get $fieldNd)
                  (then
                    ;; A numeric field with a non-digit must be `-` alone: its one byte is the one before
                    ;; the separator, or the earlier chunk's last.
                    (local.set $last (select (i32.load8_u offset=65535 (local.get $pos)) (local.get $prev) (i32.gt_s (local.get $pos) (i32.const 0))))
                    (if (i32.eqz (i32.and (i32.eq (local.get $len) (i32.const 1)) (i32.eq (local.get $last) (i32.const 45))))
                      (then (return (i32.const 0)))))
                  (else
                    (if (i32.gt_u (local.get $len) (local.get $limit)) (then (return (i32.const 0))))))))
            (local.set $field (select (i32.const 0) (i32.add (local.get $field) (i32.const 1)) (i32.eq (local.get $b) (i32.const 10))))
            (local.set $fs (i32.add (local.get $pos) (i32.const 1)))
            (local.set $nd (i32.const 0))
            (local.set $from (i32.add (local.get $p) (i32.const 1)))
            (br $nextField)))
        ;; The bytes after the block's last separator open the next field.
        (if (i32.lt_u (local.get $from) (local.get $count))
          (then
            (local.set $nd (i32.or (local.get $nd) (i64.ne (i64.const 0) (i64.shr_u (local.get $nds) (i64.extend_i32_u (local.get $from))))))
            (local.set $prev (i32.load8_u offset=65535 (i32.add (local.get $i) (local.get $count))))))
        (local.set $i (i32.add (local.get $i) (local.get $count)))
        (br $block)))
    (global.set $field (local.get $field))
    (global.set $fieldStart (local.get $fs))
    (global.set $nondigit (local.get $nd))
    (global.set $previous (local.get $prev))
    (i32.const 1)))
