-- @name traffic-to
-- @description Traffic whose destination address lies in a CIDR block, by source, destination, port, protocol and action
-- @params start end limit interface_id vpc_id subnet_id action protocol src_cidr
-- @param cidr cidr required: The destination network (IPv4 or IPv6 CIDR; a bare address is /32 or /128)
-- @fields srcaddr dstaddr dstport protocol packets bytes start action
-- @column srcaddr varchar
-- @column dstaddr varchar
-- @column dstport integer
-- @column protocol integer
-- @column action varchar
-- @column bytes bigint
-- @column packets bigint
-- @column flows bigint
-- @order bytes desc, srcaddr, dstaddr, dstport, protocol, action (NULLs last)
-- @chart bars bytes srcaddr dstaddr dstport
SELECT
  srcaddr,
  dstaddr,
  dstport,
  protocol,
  action,
  CAST(sum(bytes) AS BIGINT) AS bytes,
  CAST(sum(packets) AS BIGINT) AS packets,
  count(*) AS flows
FROM {{table}}
WHERE dt BETWEEN :partition_from AND :partition_to
  AND start >= :start AND start < :end
  AND {{filters}}
  AND {{cidr_contains(:cidr, dstaddr)}}
GROUP BY srcaddr, dstaddr, dstport, protocol, action
ORDER BY bytes DESC, srcaddr ASC NULLS LAST, dstaddr ASC NULLS LAST, dstport ASC NULLS LAST, protocol ASC NULLS LAST, action ASC NULLS LAST
LIMIT {{limit}}
