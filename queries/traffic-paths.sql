-- @name traffic-paths
-- @description Egress traffic by the path it took out of the VPC: same VPC, internet or gateway endpoint, peering, ...
-- @params start end limit interface_id vpc_id subnet_id action protocol src_cidr dst_cidr
-- @fields traffic-path packets bytes start
-- @column traffic_path integer
-- @column path varchar
-- @column bytes bigint
-- @column packets bigint
-- @column flows bigint
-- @order bytes desc, traffic_path (NULL last)
-- @chart bars bytes path traffic_path
SELECT
  traffic_path,
  CASE traffic_path
    WHEN 1 THEN 'same VPC'
    WHEN 2 THEN 'internet gateway or gateway endpoint'
    WHEN 3 THEN 'virtual private gateway'
    WHEN 4 THEN 'intra-region peering'
    WHEN 5 THEN 'inter-region peering'
    WHEN 6 THEN 'local gateway'
    WHEN 7 THEN 'gateway endpoint (Nitro)'
    WHEN 8 THEN 'internet gateway (Nitro)'
  END AS path,
  CAST(sum(bytes) AS BIGINT) AS bytes,
  CAST(sum(packets) AS BIGINT) AS packets,
  count(*) AS flows
FROM {{table}}
WHERE dt BETWEEN :partition_from AND :partition_to
  AND start >= :start AND start < :end
  AND {{filters}}
GROUP BY traffic_path
ORDER BY bytes DESC, traffic_path ASC NULLS LAST
LIMIT {{limit}}
