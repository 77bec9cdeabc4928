-- @name top-subnets
-- @description Subnets that moved the most bytes
-- @params start end limit interface_id vpc_id subnet_id action protocol src_cidr dst_cidr
-- @fields subnet-id packets bytes start
-- @column subnet_id varchar
-- @column bytes bigint
-- @column packets bigint
-- @column flows bigint
-- @order bytes desc, subnet_id (NULL last)
-- @chart bars bytes subnet_id
SELECT
  subnet_id,
  CAST(sum(bytes) AS BIGINT) AS bytes,
  CAST(sum(packets) AS BIGINT) AS packets,
  count(*) AS flows
FROM {{table}}
WHERE dt BETWEEN :partition_from AND :partition_to
  AND start >= :start AND start < :end
  AND {{filters}}
GROUP BY subnet_id
ORDER BY bytes DESC, subnet_id ASC NULLS LAST
LIMIT {{limit}}
