-- @name rejected-ports
-- @description Destination ports and protocols rejected most often
-- @params start end limit interface_id vpc_id subnet_id protocol src_cidr dst_cidr
-- @fields dstport protocol packets bytes srcaddr start action
-- @column dstport integer
-- @column protocol integer
-- @column flows bigint
-- @column packets bigint
-- @column sources bigint
-- @column bytes bigint
-- @order flows desc, dstport, protocol (NULL last)
-- @chart bars flows dstport protocol
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
  AND {{filters}}
  AND action = 'REJECT'
GROUP BY dstport, protocol
ORDER BY flows DESC, dstport ASC NULLS LAST, protocol ASC NULLS LAST
LIMIT {{limit}}
