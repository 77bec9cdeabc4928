-- @name eni-bytes
-- @description Network interfaces that moved the most bytes
-- @params start end limit interface_id vpc_id subnet_id action protocol src_cidr dst_cidr
-- @fields interface-id bytes packets start
-- @column interface_id varchar
-- @column bytes bigint
-- @column packets bigint
-- @column flows bigint
-- @order bytes desc, interface_id
-- @chart bars bytes interface_id
SELECT
  interface_id,
  CAST(sum(bytes) AS BIGINT) AS bytes,
  CAST(sum(packets) AS BIGINT) AS packets,
  count(*) AS flows
FROM {{table}}
WHERE dt BETWEEN :partition_from AND :partition_to
  AND start >= :start AND start < :end
  AND {{filters}}
GROUP BY interface_id
ORDER BY bytes DESC, interface_id ASC
LIMIT {{limit}}
