-- rejected-ports: the destination ports and protocols that were rejected most often.
-- Params: start, end (time range of record start), limit; interface_id (optional).
-- One row per (dstport, protocol): flows, packets, distinct sources; ordered by flows desc, dstport, protocol.
SELECT
  dstport,
  protocol,
  count(*) AS flows,
  CAST(sum(packets) AS BIGINT) AS packets,
  count(DISTINCT srcaddr) AS sources,
  CAST(sum(bytes) AS BIGINT) AS bytes
FROM {{table}}
WHERE dt BETWEEN :partition_from AND :partition_to
  AND start >= :start AND start < :end
  AND bytes IS NOT NULL
  AND log_status = 'OK' -- if-column log_status
  AND action = 'REJECT'
  AND interface_id = :interface_id
GROUP BY dstport, protocol
ORDER BY flows DESC, dstport ASC NULLS LAST, protocol ASC NULLS LAST
LIMIT {{limit}}
