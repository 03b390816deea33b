-- `events.channel` is the marketing channel that carried an event: `context.channel`, else
-- `properties.channel`. It held the message's top-level `channel` first, which Segment's and
-- RudderStack's libraries set to the platform that sent the message ("server", "client", "web",
-- "mobile"): attribution by channel credited "server" with every order a RudderStack client
-- sent. The rows already loaded are read again from their JSON, as toEventRow now reads a message
-- (strings, numbers as text; empty strings, objects and lists are no channel).
update events set channel = coalesce(
  case json_type(context, '$.channel')
    when 'VARCHAR' then nullif(json_extract_string(context, '$.channel'), '')
    when 'BIGINT' then json_extract_string(context, '$.channel')
    when 'UBIGINT' then json_extract_string(context, '$.channel')
    when 'DOUBLE' then json_extract_string(context, '$.channel')
  end,
  case json_type(properties, '$.channel')
    when 'VARCHAR' then nullif(json_extract_string(properties, '$.channel'), '')
    when 'BIGINT' then json_extract_string(properties, '$.channel')
    when 'UBIGINT' then json_extract_string(properties, '$.channel')
    when 'DOUBLE' then json_extract_string(properties, '$.channel')
  end);
