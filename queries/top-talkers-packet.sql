-- @name top-talkers-packet
-- @description Packet-level source/destination pairs (the original addresses behind NAT and load balancers) that moved the most bytes
-- @params start end limit interface_id vpc_id subnet_id action protocol src_cidr dst_cidr
-- @fields pkt-srcaddr pkt-dstaddr packets bytes start
-- @column pkt_srcaddr varchar
-- @column pkt_dstaddr varchar
-- @column bytes bigint
-- @column packets bigint
-- @column flows bigint
-- @order bytes desc, pkt_srcaddr, pkt_dstaddr (NULLs last)
-- @chart bars bytes pkt_srcaddr pkt_dstaddr
SELECT
  pkt_srcaddr,
  pkt_dstaddr,
  CAST(sum(bytes) AS BIGINT) AS bytes,
  CAST(sum(packets) AS BIGINT) AS packets,
  count(*) AS flows
FROM {{table}}
WHERE dt BETWEEN :partition_from AND :partition_to
  AND start >= :start AND start < :end
  AND {{filters}}
GROUP BY pkt_srcaddr, pkt_dstaddr
ORDER BY bytes DESC, pkt_srcaddr ASC NULLS LAST, pkt_dstaddr ASC NULLS LAST
LIMIT {{limit}}
