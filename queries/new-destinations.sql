-- @name new-destinations
-- @description Internal sources whose accepted traffic reached an external address they did not reach in the baseline days before
-- @params start end limit baseline_days internal_cidrs interface_id vpc_id subnet_id protocol
-- @fields srcaddr dstaddr dstport protocol bytes start action
-- @column srcaddr varchar
-- @column dstaddr varchar
-- @column dstport integer
-- @column protocol integer
-- @column bytes bigint
-- @column flows bigint
-- @column first_seen bigint
-- @order bytes desc, srcaddr, dstaddr, dstport, protocol (NULLs last)
-- @chart bars bytes srcaddr dstaddr dstport
SELECT recent.srcaddr AS srcaddr, recent.dstaddr AS dstaddr, recent.dstport AS dstport, recent.protocol AS protocol, recent.bytes AS bytes, recent.flows AS flows, recent.first_seen AS first_seen
FROM (
  SELECT
    srcaddr,
    dstaddr,
    dstport,
    protocol,
    CAST(sum(bytes) AS BIGINT) AS bytes,
    count(*) AS flows,
    min(start) AS first_seen
  FROM {{table}}
  WHERE dt BETWEEN :partition_from AND :partition_to
    AND start >= :start AND start < :end
    AND {{filters}}
    AND action = 'ACCEPT'
    AND {{cidr_contains(:internal_cidrs, srcaddr)}}
    AND NOT {{cidr_contains(:internal_cidrs, dstaddr)}}
  GROUP BY srcaddr, dstaddr, dstport, protocol
) AS recent
-- Pairs that exchanged accepted traffic in the baseline, whatever the filters: those are not new.
LEFT JOIN (
  SELECT DISTINCT srcaddr, dstaddr
  FROM {{table}}
  WHERE dt BETWEEN :baseline_partition_from AND :baseline_partition_to
    AND start >= :baseline_start AND start < :start
    AND bytes IS NOT NULL
    AND log_status = 'OK' -- if-column log_status
    AND action = 'ACCEPT'
) AS seen ON seen.srcaddr = recent.srcaddr AND seen.dstaddr = recent.dstaddr
WHERE seen.srcaddr IS NULL
ORDER BY bytes DESC, srcaddr ASC, dstaddr ASC, dstport ASC NULLS LAST, protocol ASC NULLS LAST
LIMIT {{limit}}
