-- eni-bytes: the network interfaces that moved the most bytes.
-- Params: start, end (time range of record start), limit; interface_id (optional).
-- One row per interface_id: bytes, packets, flows; ordered by bytes desc, interface_id.
SELECT
  interface_id,
  CAST(sum(bytes) AS BIGINT) AS bytes,
  CAST(sum(packets) AS BIGINT) AS packets,
  count(*) AS flows
FROM {{table}}
WHERE dt BETWEEN :partition_from AND :partition_to
  AND start >= :start AND start < :end
  AND bytes IS NOT NULL
  AND log_status = 'OK' -- if-column log_status
  AND interface_id = :interface_id
GROUP BY interface_id
ORDER BY bytes DESC, interface_id ASC
LIMIT {{limit}}
