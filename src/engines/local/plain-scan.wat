(module
  ;; The hot loop of PlainRecordScanner (src/engines/local/plain-scan.ts), which owns the rules; about
  ;; 2.4 times faster than the same loop in JavaScript. Rebuild with `npm run generate`.
  ;; Memory bytes 0-255: per field, the most digits a numeric field may have (0 for a string field).
  ;; Memory bytes from 65536: the chunk to scan, at most 1 MiB.
  ;; The globals carry the scan's state from one chunk to the next: the field being read, where it
  ;; began (negative when it began in an earlier chunk), whether it holds a non-digit, its last byte.
  (memory (export "memory") 17)
  (global $field (export "field") (mut i32) (i32.const 0))
  (global $fieldStart (export "fieldStart") (mut i32) (i32.const 0))
  (global $nondigit (export "nondigit") (mut i32) (i32.const 0))
  (global $previous (export "previous") (mut i32) (i32.const 0))
  ;; Scans bytes [i, end) of the chunk; returns 0 at the first sign the records are not plain, else 1.
  ;; A record has lastField + 1 fields, each ended by one space, the last by a line feed.
  (func (export "scan") (param $i i32) (param $end i32) (param $lastField i32) (result i32)
    (local $b i32) (local $field i32) (local $fs i32) (local $nd i32) (local $prev i32) (local $len i32) (local $limit i32)
    (local.set $field (global.get $field))
    (local.set $fs (global.get $fieldStart))
    (local.set $nd (global.get $nondigit))
    (local.set $prev (global.get $previous))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $i) (local.get $end)))
        (local.set $b (i32.load8_u offset=65536 (local.get $i)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (if (i32.gt_u (local.get $b) (i32.const 32))
          (then
            (local.set $nd (i32.or (local.get $nd) (i32.gt_u (i32.sub (local.get $b) (i32.const 48)) (i32.const 9))))
            (local.set $prev (local.get $b))
            (br $next)))
        ;; A separator at i - 1 ends the field that began at fs.
        (local.set $len (i32.sub (i32.sub (local.get $i) (i32.const 1)) (local.get $fs)))
        (if (i32.or
              (i32.or (i32.eqz (local.get $len)) (i32.gt_u (local.get $field) (local.get $lastField)))
              (i32.and (i32.ne (local.get $b) (i32.const 32)) (i32.ne (local.get $b) (i32.const 10))))
          (then (return (i32.const 0))))
        (if (i32.ne (i32.eq (local.get $b) (i32.const 10)) (i32.eq (local.get $field) (local.get $lastField)))
          (then (return (i32.const 0))))
        (local.set $limit (i32.load8_u (local.get $field)))
        (if (local.get $limit)
          (then
            (if (local.get $nd)
              (then
                (if (i32.eqz (i32.and (i32.eq (local.get $len) (i32.const 1)) (i32.eq (local.get $prev) (i32.const 45))))
                  (then (return (i32.const 0)))))
              (else
                (if (i32.gt_u (local.get $len) (local.get $limit)) (then (return (i32.const 0))))))))
        (local.set $field (select (i32.const 0) (i32.add (local.get $field) (i32.const 1)) (i32.eq (local.get $b) (i32.const 10))))
        (local.set $fs (local.get $i))
        (local.set $nd (i32.const 0))
        (br $next)))
    (global.set $field (local.get $field))
    (global.set $fieldStart (local.get $fs))
    (global.set $nondigit (local.get $nd))
    (global.set $previous (local.get $prev))
    (i32.const 1)))
