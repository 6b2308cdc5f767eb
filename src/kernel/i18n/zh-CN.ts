// 中文消息目录。键是稳定的错误/消息代码；英文目录必须有相同的键（由类型检查保证）。
export const zhCN = {
  VALIDATION_FAILED: '提交的数据未通过校验（{count} 处错误）',
  REQUIRED: '{field} 为必填项',
  TOO_LONG: '{field} 长度不能超过 {max} 个字符（实际 {actual}）',
  TOO_SHORT: '{field} 长度不能少于 {min} 个字符',
  PATTERN: '{field} 格式不正确',
  ENUM: '{field} 的取值不在允许范围内：{value}',
  TYPE: '{field} 的类型不正确，应为 {expected}',
  UNKNOWN_FIELD: '不认识的字段 {field}',
  USCC_FORMAT: '统一社会信用代码应为 18 位，由数字和除 I、O、Z、S、V 外的大写字母组成：{value}',
  USCC_CHECK_CHAR: '统一社会信用代码校验码错误：第 18 位应为 {expected}，实际为 {actual}（GB 32100-2015）',
  CUSTOMS_CODE_FORMAT: '海关注册编码应为 10 位数字或大写字母：{value}',
  DXP_ID_FORMAT: 'DXP 编号应为 1 到 30 位数字或大写字母：{value}',
  USCC_IMMUTABLE: '统一社会信用代码登记后不能修改',
  ROLE_UNKNOWN: '未知的企业角色：{value}',
  ROLES_EMPTY: '企业至少需要一个角色',
  COUNTY_UNKNOWN: '{zone} 没有代码为 {value} 的县（市、区）',
  PARK_UNKNOWN: '{zone} 没有代码为 {value} 的园区',
  CLUSTER_UNKNOWN: '{zone} 没有代码为 {value} 的产业集群',
  CREDIT_LEVEL_UNKNOWN: '未知的海关信用等级：{value}',
  STATUS_UNKNOWN: '未知的企业状态：{value}',
  DUPLICATE_USCC: '统一社会信用代码 {value} 已登记',
  DUPLICATE_CUSTOMS_CODE: '海关注册编码 {value} 已登记',
  DUPLICATE_DXP_ID: 'DXP 编号 {value} 已登记',
  ENTERPRISE_NOT_FOUND: '找不到企业：{value}',
  TOKEN_NOT_FOUND: '找不到令牌：{value}',
  VERSION_CONFLICT: '企业记录已被修改（当前版本 {current}，提交版本 {given}），请刷新后重试',
  UNAUTHORIZED: '需要有效的访问令牌（Authorization: Bearer …）',
  FORBIDDEN: '当前令牌无权执行此操作',
  NOT_FOUND: '找不到资源：{value}',
  CODE_TABLE_UNKNOWN: '没有名为 {value} 的代码表',
  MALFORMED_REQUEST: '请求格式不正确：{detail}',
  PAYLOAD_TOO_LARGE: '请求体过大',
  INTERNAL: '服务器内部错误，请稍后重试（请求编号 {requestId}）',
  CONFIG_INVALID: '配置错误：{detail}',
  DB_UNREACHABLE: '无法连接数据库 {target}：{detail}',
  CEB_XML: '报文格式错误：{detail}',
  CEB_UNKNOWN_ROOT: '不认识的报文类型 {name}',
  CEB_NAMESPACE: '{path} 的命名空间 {ns} 不正确，应为 {expected}',
  CEB_REQUIRED: '缺少必填项 {path}',
  CEB_UNEXPECTED: '{path} 处不应出现元素 {name}',
  CEB_OUT_OF_ORDER: '元素 {name} 的位置不对：应在 {after} 之前',
  CEB_TOO_MANY: '{path} 最多允许 {max} 个，实际 {actual} 个',
  CEB_LENGTH: '{path} 长度应为 {expected}，实际 {actual}',
  CEB_DECIMAL: '{path} 应为最多 {digits} 位、其中小数最多 {frac} 位的数字，实际为 "{value}"',
  CEB_INT: '{path} 应为整数（最多 {digits} 位），实际为 "{value}"',
  CEB_TEXT_IN_COMPLEX: '{path} 不应直接包含文本',
  CEB_ATTRIBUTE: '{path} 不应有属性 {name}',
  CEB_ENUM: '{path} 的取值 "{value}" 不在允许范围内（{allowed}）',
  CEB_CODE_TABLE: '{path} 的取值 "{value}" 不在代码表「{table}」中',
  CEB_TIME: '{path} 应为 {format} 格式的有效时间，实际为 "{value}"',
  CEB_SEQUENCE: '{path} 报文序号 {seq} 超出报文总数 {count}',
  CEB_SPLIT: '拆分报文的序号应从 1 连续编号至 {count}，实际为 {seqs}',
  CEB_GUID_CASE: '{path} 应为大写字母（规范要求“英文字母大写”）：{value}',
  CEB_DEFECT_DUPLICATE: '{path} 重复出现（规范只允许 1 个）：已保留第一个，忽略其余',
  CEB_DEFECT_ROOT: '根元素名为 {found}，规范为 {expected}：已按 {expected} 读取',
  CEB_DEFECT_EXTRA: '{path} 不在规范定义中（官方样例的已知缺陷）：已忽略',
  CEB_ERRORS_TRUNCATED: '问题过多，只列出前 {max} 个',
  CEB_DEFECT_REPAIRED: '{path} 缺失（官方样例的已知缺陷）：已按 {rule} 补齐为 {value}',
  CEB_EDITION_FALLBACK: '报文不符合 202205 版结构，已按 2018 版读取',
  CEB_WRONG_MODEL: '{path} 的数据类型不正确：{detail}',
  // — clearance pipeline (src/clearance) —
  // — end clearance —

  // — customs gateway adapters (src/clearance/gateway) —
  // — end gateway —

  // — webhooks (src/clearance/webhooks) —
  // — end webhooks —

  // — traffic simulator (src/clearance/traffic) —
  // — end traffic —
} as const;
