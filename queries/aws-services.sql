-- @name aws-services
-- @description Traffic to and from AWS services (S3, DynamoDB, ...) by service, direction and the path it took
-- @params start end limit interface_id vpc_id subnet_id action protocol src_cidr dst_cidr
-- @fields pkt-src-aws-service pkt-dst-aws-service packets bytes start
-- @column service varchar
-- @column direction varchar
-- @column traffic_path integer
-- @column bytes bigint
-- @column packets bigint
-- @column flows bigint
-- @order bytes desc, service, direction, traffic_path (NULLs last)
-- @chart bars bytes service direction
WITH counted AS (
  SELECT
    pkt_src_aws_service,
    pkt_dst_aws_service,
    traffic_path, -- if-column traffic_path
    CAST(NULL AS INTEGER) AS traffic_path, -- if-no-column traffic_path
    bytes,
    packets
  FROM {{table}}
  WHERE dt BETWEEN :partition_from AND :partition_to
    AND start >= :start AND start < :end
    AND {{filters}}
),
sides AS (
  SELECT pkt_src_aws_service AS service, 'from' AS direction, traffic_path, bytes, packets FROM counted WHERE pkt_src_aws_service <> '-'
  UNION ALL
  SELECT pkt_dst_aws_service, 'to', traffic_path, bytes, packets FROM counted WHERE pkt_dst_aws_service <> '-'
)
SELECT
  service,
  direction,
  traffic_path,
  CAST(sum(bytes) AS BIGINT) AS bytes,
  CAST(sum(packets) AS BIGINT) AS packets,
  count(*) AS flows
FROM sides
GROUP BY service, direction, traffic_path
ORDER BY bytes DESC, service ASC, direction ASC, traffic_path ASC NULLS LAST
LIMIT {{limit}}
