-- @name accepted-traffic
-- @description Accepted traffic by source, destination, destination port and protocol
-- @params start end limit interface_id vpc_id subnet_id protocol src_cidr dst_cidr
-- @fields srcaddr dstaddr dstport protocol packets bytes start action
-- @column srcaddr varchar
-- @column dstaddr varchar
-- @column dstport integer
-- @column protocol integer
-- @column bytes bigint
-- @column packets bigint
-- @column flows bigint
-- @order bytes desc, srcaddr, dstaddr, dstport, protocol (NULLs last)
-- @chart bars bytes srcaddr dstaddr dstport
SELECT
  srcaddr,
  dstaddr,
  dstport,
  protocol,
  CAST(sum(bytes) AS BIGINT) AS bytes,
  CAST(sum(packets) AS BIGINT) AS packets,
  count(*) AS flows
FROM {{table}}
WHERE dt BETWEEN :partition_from AND :partition_to
  AND start >= :start AND start < :end
  AND {{filters}}
  AND action = 'ACCEPT'
GROUP BY srcaddr, dstaddr, dstport, protocol
ORDER BY bytes DESC, srcaddr ASC NULLS LAST, dstaddr ASC NULLS LAST, dstport ASC NULLS LAST, protocol ASC NULLS LAST
LIMIT {{limit}}
