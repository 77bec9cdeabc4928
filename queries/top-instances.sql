-- @name top-instances
-- @description EC2 instances that moved the most bytes
-- @params start end limit interface_id vpc_id subnet_id action protocol src_cidr dst_cidr
-- @fields instance-id packets bytes start
-- @column instance_id varchar
-- @column bytes bigint
-- @column packets bigint
-- @column flows bigint
-- @order bytes desc, instance_id
-- @chart bars bytes instance_id
SELECT
  instance_id,
  CAST(sum(bytes) AS BIGINT) AS bytes,
  CAST(sum(packets) AS BIGINT) AS packets,
  count(*) AS flows
FROM {{table}}
WHERE dt BETWEEN :partition_from AND :partition_to
  AND start >= :start AND start < :end
  AND {{filters}}
  AND instance_id <> '-'
GROUP BY instance_id
ORDER BY bytes DESC, instance_id ASC
LIMIT {{limit}}
