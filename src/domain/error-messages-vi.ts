/**
 * The one table of what an error says to end users in Vietnamese (`extensions.messageVi` on GraphQL
 * errors, `messageVi` in the JSON errors of /registry, /export, /calendar and the rest), beside the
 * English `message` meant for developers. The text follows the error's rule when it has one (the
 * rule says the specific thing), else its code, and names the argument, limit, id or units the
 * error's details carry. README, "Error codes", lists the same codes.
 */

/** Every code a client may meet (GraphQL `extensions.code` and the HTTP JSON errors). */
export const CODE_MESSAGES_VI = {
  BAD_USER_INPUT: "Dữ liệu nhập không hợp lệ.",
  BAD_REQUEST: "Yêu cầu không đúng định dạng, dịch vụ không đọc được.",
  GRAPHQL_PARSE_FAILED: "Câu truy vấn GraphQL sai cú pháp.",
  GRAPHQL_VALIDATION_FAILED: "Câu truy vấn GraphQL không khớp với lược đồ của dịch vụ.",
  PERSISTED_QUERY_NOT_FOUND: "Dịch vụ chưa lưu câu truy vấn này; hãy gửi lại kèm nội dung câu truy vấn.",
  PERSISTED_QUERY_NOT_SUPPORTED:
    "Dịch vụ không nhận câu truy vấn lưu sẵn (chỉ gửi mã băm); hãy gửi nội dung câu truy vấn.",
  OPERATION_RESOLUTION_FAILURE: "Không xác định được thao tác cần chạy trong câu truy vấn (operationName).",
  NOT_FOUND: "Không tìm thấy đối tượng được yêu cầu.",
  FORBIDDEN: "Bạn không có quyền thực hiện yêu cầu này.",
  UNAUTHENTICATED: "Cần mã xác thực (token) hợp lệ để thực hiện yêu cầu này.",
  CONFLICT: "Yêu cầu mâu thuẫn với dữ liệu hiện có; không có gì được ghi.",
  QUERY_TOO_COMPLEX: "Câu truy vấn vượt quá giới hạn cho phép; hãy yêu cầu ít dữ liệu hơn.",
  RESPONSE_TOO_LARGE: "Kết quả quá lớn để trả về; hãy yêu cầu ít dữ liệu hơn.",
  TIMEOUT: "Yêu cầu chạy quá thời gian cho phép; hãy thử lại sau hoặc yêu cầu ít dữ liệu hơn.",
  METHOD_NOT_ALLOWED: "Địa chỉ này không nhận phương thức HTTP đã dùng.",
  PAYLOAD_TOO_LARGE: "Nội dung gửi lên quá lớn.",
  UNSUPPORTED_MEDIA_TYPE: "Định dạng nội dung gửi lên không được hỗ trợ; hãy gửi JSON mã hóa UTF-8.",
  RATE_LIMITED: "Bạn đã gửi quá nhiều yêu cầu; hãy chờ một lát rồi thử lại.",
  HEADERS_TOO_LARGE: "Phần đầu (header) của yêu cầu quá lớn.",
  INTERNAL_SERVER_ERROR: "Dịch vụ gặp lỗi nội bộ; hãy báo cho người quản trị kèm mã yêu cầu.",
  SERVICE_UNAVAILABLE: "Dịch vụ tạm thời không sẵn sàng; hãy thử lại sau ít phút.",
} as const;

export type ClientErrorCode = keyof typeof CODE_MESSAGES_VI;

/** Every rule an error may name (`extensions.rule`): the specific thing that was refused. */
export const RULE_MESSAGES_VI: Record<string, string> = {
  TOKEN: "Mã xác thực (token) không hợp lệ, đã hết hạn, thiếu thời hạn hoặc có thời hạn quá dài.",
  READ_ACCESS: "Cần mã xác thực (token) để đọc dữ liệu của dịch vụ này.",
  ROLE: "Thay đổi này cần vai trò biên tập viên (editor) hoặc quản trị (admin).",
  EDITOR_SCOPE: "Thay đổi chạm đến đơn vị nằm ngoài phạm vi bạn được giao.",
  SCOPE_ROOT:
    "Đơn vị là gốc phạm vi của bạn: chỉ quản trị viên (hoặc biên tập viên cấp trên) mới được di chuyển, giải thể, chia tách, hợp nhất nó hoặc kết thúc liên kết với cấp trên.",
  CORS_ORIGIN: "Trang web này không thuộc các nguồn được phép (CORS_ORIGINS) mở kết nối cập nhật trực tiếp.",
  TRUSTED_DOCUMENTS: "Ở đây chỉ chạy các câu truy vấn đã đăng ký trước (trusted documents).",
  WRITE_TIMEOUT: "Thay đổi chạy quá thời gian cho phép và đã được hủy; chưa có gì được ghi. Hãy thử lại.",
  POOL_EXHAUSTED: "Cơ sở dữ liệu đang quá tải; chưa có gì được ghi. Hãy thử lại sau ít giây.",
  DEADLOCK:
    "Thay đổi này và một thay đổi khác chờ lẫn nhau nên đã được hủy; chưa có gì được ghi. Hãy thử lại.",
  COMMIT_IN_DOUBT:
    "Mất kết nối với cơ sở dữ liệu đúng lúc đang ghi thay đổi: thay đổi có thể đã được ghi hoặc chưa. Hãy kiểm tra lại (sự kiện, lịch sử thay đổi) trước khi gửi lại, để không ghi hai lần.",
  EXPORT_CONCURRENCY: "Đang có quá nhiều lượt xuất dữ liệu cùng lúc; hãy thử lại sau ít giây.",
  BATCH_LIMIT: "Danh sách quá dài cho một thay đổi; hãy gửi phần còn lại trong các thay đổi tiếp theo.",
  ONE_DIRECT_SUPERIOR: "Mỗi đơn vị chỉ có một cấp ủy cấp trên trực tiếp tại mỗi thời điểm.",
  ONE_WHOLE: "Mỗi cơ quan, bộ phận chỉ thuộc một đơn vị tại mỗi thời điểm.",
  NO_CYCLE: "Thay đổi sẽ khiến một đơn vị trở thành cấp trên của chính nó (vòng lặp trong hệ thống tổ chức).",
  STRUCTURE_DEPTH:
    "Thay đổi sẽ làm chuỗi cấp trên của một đơn vị dài quá 40 cấp (hoặc khép thành vòng lặp trong hệ thống tổ chức).",
  INTERVAL_ORDER: "Ngày bắt đầu hiệu lực phải trước ngày kết thúc.",
  EFFECTIVE_DATE: "Ngày có hiệu lực nằm ngoài khoảng thời gian cho phép.",
  ENDPOINTS_ACTIVE: "Cả hai đơn vị của quan hệ phải còn hoạt động trong suốt thời gian quan hệ có hiệu lực.",
  KIND_PAIRING: "Loại đơn vị này không thể trực thuộc loại đơn vị cấp trên đã chọn.",
  UNIQUE_ID: "Mã định danh này đã được dùng.",
  NO_ORPHANS: "Không thể giải thể đơn vị khi còn đơn vị trực thuộc đang hoạt động.",
  NO_SELF_RELATION: "Một đơn vị không thể có quan hệ với chính nó.",
  DUPLICATE_RELATION: "Đã có quan hệ cùng loại giữa hai đơn vị này trong khoảng thời gian trùng nhau.",
  NO_CHANGE: "Yêu cầu không làm thay đổi gì.",
  IMPORT_CONFLICT:
    "Tệp nhập trùng mã đơn vị hoặc mã định danh đã được dùng trong hệ thống; không có gì được ghi.",
  IMPORT_PROBLEMS: "Tệp nhập có lỗi nên chưa có gì được ghi; chạy thử (dryRun) để xem danh sách lỗi.",
  MALFORMED: "Tệp không đúng định dạng.",
  EMPTY: "Tệp không có dữ liệu.",
  TOO_MANY_ROWS: "Tệp có quá nhiều dòng (REGISTRY_IMPORT_MAX_ROWS); hãy chia tệp để nhập từng phần.",
  TOO_MANY_COLUMNS: "Một dòng của tệp có quá nhiều cột.",
  SUBSCRIPTION_OWNER:
    "Chỉ người tạo đăng ký nhắc việc (hoặc quản trị viên) mới được sửa, tạm dừng hoặc xóa đăng ký đó.",
  SUBSCRIPTION_SUBJECT:
    "Token không có định danh người dùng (sub), nên không thể tạo hay sửa đăng ký nhắc việc; hãy dùng token có sub riêng của mình.",
  SUBSCRIPTION_DUPLICATE:
    "Đã có đăng ký nhắc việc giống hệt (cùng đơn vị, địa chỉ webhook, loại việc và phạm vi cấp dưới).",
  SUBSCRIPTION_LIMIT:
    "Đã đạt số đăng ký nhắc việc tối đa cho đơn vị này hoặc cho người tạo; hãy xóa bớt đăng ký cũ.",
  PREVIEW_LIMIT:
    "Bản xem trước gồm quá nhiều đăng ký nhắc việc; hãy thu hẹp theo đơn vị (unitId) hoặc theo đăng ký (subscriptionId).",
  QUERY_TOKEN:
    "Không gửi mã xác thực (token) có quyền ghi trong địa chỉ (?access_token=): hãy gửi trong phần đầu Authorization, hoặc tạo liên kết đăng ký lịch chỉ đọc.",
  FEED_TOKEN: "Liên kết đăng ký lịch không hợp lệ, đã hết hạn, đã bị thu hồi hoặc dành cho lịch khác.",
  FEED_KEY: "Dịch vụ chưa có khóa ký liên kết đăng ký lịch (FEED_TOKEN_SECRET); hãy báo người quản trị.",
  FEED_MINTER: "Cần đăng nhập (mã xác thực) để tạo, xem hoặc thu hồi liên kết đăng ký lịch.",
  FEED_OWNER: "Chỉ quản trị viên mới được xem liên kết đăng ký lịch của người khác.",
  FEED_LIMIT:
    "Bạn đã có số liên kết đăng ký lịch còn hiệu lực tối đa (FEED_TOKEN_MAX_PER_MINTER); hãy thu hồi liên kết không dùng nữa.",
  // Findings of the integrity report (not errors, but named by the same rules).
  MISSING_SUPERIOR: "Đơn vị thiếu cấp ủy cấp trên trực tiếp.",
  DOUBLE_SUPERIOR: "Đơn vị có nhiều hơn một cấp ủy cấp trên trực tiếp.",
  DOUBLE_WHOLE: "Cơ quan, bộ phận cùng lúc thuộc nhiều hơn một đơn vị.",
  CYCLE: "Hệ thống tổ chức có vòng lặp: một đơn vị là cấp trên của chính nó.",
  RELATION_OUTSIDE_VALIDITY: "Quan hệ có hiệu lực ngoài thời gian hoạt động của đơn vị.",
  CITES_REPLACED_DOCUMENT: "Quan hệ dẫn căn cứ từ văn bản đã được văn bản khác thay thế.",
};

/** The configured limits an error may name (`extensions.limit`). */
const LIMIT_NAMES_VI: Record<string, string> = {
  MAX_TOKENS: "số từ tố của câu truy vấn",
  MAX_QUERY_DEPTH: "độ sâu lồng nhau của câu truy vấn",
  MAX_ALIASES: "số bí danh (alias)",
  MAX_DIRECTIVES: "số chỉ thị (directive)",
  MAX_QUERY_COST: "chi phí câu truy vấn",
  MAX_RESPONSE_BYTES: "kích thước kết quả (byte)",
  REQUEST_TIMEOUT_MS: "thời gian xử lý (mili giây)",
  EXPORT_TIMEOUT_MS: "thời gian tải xuống (mili giây)",
  LIVE_MAX_MESSAGES_PER_MINUTE: "số thông điệp mỗi phút trên các kết nối trực tiếp",
  LIVE_MAX_SUBSCRIPTIONS_PER_CONNECTION: "số đăng ký theo dõi trên một kết nối",
  REMINDERS_MAX_SUBSCRIPTIONS_PER_UNIT: "số đăng ký nhắc việc của một đơn vị",
  REMINDERS_MAX_SUBSCRIPTIONS_PER_CREATOR: "số đăng ký nhắc việc của một người tạo",
};

const GENERIC = "Đã xảy ra lỗi.";

/** 1250000 → "1.250.000", as numbers are written in Vietnamese. */
const count = (n: number) => n.toLocaleString("vi-VN");

const text = (v: unknown) => (typeof v === "string" && v !== "" ? v : undefined);

function limitSentence(details: Record<string, unknown>): string | undefined {
  const limit = text(details.limit);
  if (!limit) return undefined;
  const what = LIMIT_NAMES_VI[limit] ?? limit;
  const max = typeof details.max === "number" ? `: tối đa ${count(details.max)}` : "";
  const value = typeof details.value === "number" ? `, yêu cầu này ${count(details.value)}` : "";
  return `Giới hạn ${what} (${limit})${max}${value}.`;
}

/** What the error names beyond its rule: the argument, the limit, the id, the units. */
function specifics(code: string, details: Record<string, unknown>): string[] {
  const parts: string[] = [];
  const argument = text(details.argument) ?? text(details.parameter);
  if (argument) parts.push(`Tham số: ${argument}.`);
  const limit = limitSentence(details);
  if (limit) parts.push(limit);
  const id = text(details.id);
  if (code === "NOT_FOUND" && id) parts.push(`Mã: ${id}.`);
  const units = Array.isArray(details.units) ? details.units.filter((u) => typeof u === "string") : [];
  if (units.length > 0)
    parts.push(`Đơn vị liên quan: ${units.slice(0, 5).join(", ")}${units.length > 5 ? ", …" : ""}.`);
  const requestId = text(details.requestId);
  if (requestId && (code === "INTERNAL_SERVER_ERROR" || code === "SERVICE_UNAVAILABLE"))
    parts.push(`Mã yêu cầu: ${requestId}.`);
  return parts;
}

/** The Vietnamese message of an error with this code and these details (its extensions). */
export function messageVi(code: unknown, details: Record<string, unknown> = {}): string {
  const key = typeof code === "string" ? code : "";
  const rule = text(details.rule);
  const base =
    (rule ? RULE_MESSAGES_VI[rule] : undefined) ??
    (key in CODE_MESSAGES_VI ? CODE_MESSAGES_VI[key as ClientErrorCode] : GENERIC);
  return [base, ...specifics(key, details)].join(" ");
}
