-- @name top-talkers
-- @description Source/destination pairs that moved the most bytes
-- @params start end limit interface_id vpc_id subnet_id action protocol src_cidr dst_cidr
-- @fields srcaddr dstaddr bytes packets start end
-- @column srcaddr varchar
-- @column dstaddr varchar
-- @column bytes bigint
-- @column packets bigint
-- @column flows bigint
-- @column first_seen bigint
-- @column last_seen bigint
-- @order bytes desc, srcaddr, dstaddr
-- @chart bars bytes srcaddr dstaddr
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
  AND {{filters}}
GROUP BY srcaddr, dstaddr
ORDER BY bytes DESC, srcaddr ASC, dstaddr ASC
LIMIT {{limit}}
