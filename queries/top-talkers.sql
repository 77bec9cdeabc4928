-- top-talkers: the source/destination pairs that moved the most bytes.
-- Params: start, end (time range of record start), limit; interface_id, action (optional).
-- One row per (srcaddr, dstaddr): bytes, packets, flows; ordered by bytes desc, srcaddr, dstaddr.
SELECT
  srcaddr,
  dstaddr,
  CAST(sum(bytes) AS BIGINT) AS bytes,
  CAST(sum(packets) AS BIGINT) AS packets,
  count(*) AS flows,
  min(start) AS first_seen,
  max("end") AS last_seen
FROM {{table}}
WHERE dt BETWEEN :partition_from AND :partition_to
  AND start >= :start AND start < :end
  AND bytes IS NOT NULL
  AND log_status = 'OK' -- if-column log_status
  AND interface_id = :interface_id
  AND action = :action
GROUP BY srcaddr, dstaddr
ORDER BY bytes DESC, srcaddr ASC, dstaddr ASC
LIMIT {{limit}}
