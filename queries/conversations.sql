-- @name conversations
-- @description Both directions of each conversation between two addresses
-- @params start end limit interface_id vpc_id subnet_id action protocol src_cidr dst_cidr
-- @fields srcaddr dstaddr packets bytes start
-- @column addr_a varchar
-- @column addr_b varchar
-- @column bytes_a_to_b bigint
-- @column bytes_b_to_a bigint
-- @column bytes bigint
-- @column packets bigint
-- @column flows bigint
-- @order bytes desc, addr_a, addr_b (NULLs last)
-- @chart bars bytes addr_a addr_b
SELECT
  addr_a,
  addr_b,
  CAST(sum(CASE WHEN a_sends THEN bytes ELSE 0 END) AS BIGINT) AS bytes_a_to_b,
  CAST(sum(CASE WHEN a_sends THEN 0 ELSE bytes END) AS BIGINT) AS bytes_b_to_a,
  CAST(sum(bytes) AS BIGINT) AS bytes,
  CAST(sum(packets) AS BIGINT) AS packets,
  count(*) AS flows
FROM (
  -- addr_a is the lesser address by string comparison; a missing (NULL) address counts as the greater.
  SELECT
    CASE WHEN dstaddr IS NULL OR srcaddr <= dstaddr THEN srcaddr ELSE dstaddr END AS addr_a,
    CASE WHEN dstaddr IS NULL OR srcaddr <= dstaddr THEN dstaddr ELSE srcaddr END AS addr_b,
    coalesce(dstaddr IS NULL OR srcaddr <= dstaddr, false) AS a_sends,
    bytes,
    packets
  FROM {{table}}
  WHERE dt BETWEEN :partition_from AND :partition_to
    AND start >= :start AND start < :end
    AND {{filters}}
) AS directed
GROUP BY addr_a, addr_b
ORDER BY bytes DESC, addr_a ASC NULLS LAST, addr_b ASC NULLS LAST
LIMIT {{limit}}
