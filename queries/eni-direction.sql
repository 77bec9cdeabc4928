-- @name eni-direction
-- @description Bytes and packets in and out of each network interface
-- @params start end limit interface_id vpc_id subnet_id action protocol src_cidr dst_cidr
-- @fields interface-id flow-direction packets bytes start
-- @column interface_id varchar
-- @column bytes_in bigint
-- @column bytes_out bigint
-- @column packets_in bigint
-- @column packets_out bigint
-- @column flows bigint
-- @order bytes_in + bytes_out desc, interface_id (NULL last)
-- @chart bars bytes_in interface_id
SELECT interface_id, bytes_in, bytes_out, packets_in, packets_out, flows
FROM (
  SELECT
    interface_id,
    CAST(sum(CASE WHEN flow_direction = 'ingress' THEN bytes ELSE 0 END) AS BIGINT) AS bytes_in,
    CAST(sum(CASE WHEN flow_direction = 'egress' THEN bytes ELSE 0 END) AS BIGINT) AS bytes_out,
    CAST(sum(CASE WHEN flow_direction = 'ingress' THEN coalesce(packets, 0) ELSE 0 END) AS BIGINT) AS packets_in,
    CAST(sum(CASE WHEN flow_direction = 'egress' THEN coalesce(packets, 0) ELSE 0 END) AS BIGINT) AS packets_out,
    count(*) AS flows
  FROM {{table}}
  WHERE dt BETWEEN :partition_from AND :partition_to
    AND start >= :start AND start < :end
    AND {{filters}}
  GROUP BY interface_id
) AS per_interface
ORDER BY bytes_in + bytes_out DESC, interface_id ASC NULLS LAST
LIMIT {{limit}}
