/**
 * The map the generator draws on: the 63 provinces before 01/07/2025, the 34 after, which
 * merged into which (DOMAIN.md, "The 2025 reform": Nghị quyết 60-NQ/TW, Nghị quyết
 * 202/2025/QH15), and the commune-level units of each new province.
 *
 * Commune-level counts: DOMAIN.md gives the national totals (3,321 = 2,621 xã + 687 phường
 * + 13 đặc khu) and two provinces (TP Hồ Chí Minh 168, Lai Châu 38). The other per-province
 * counts below are the ones published with the 2025 arrangement as we recall them; they sum
 * to 3,321 and match both DOMAIN.md figures, but they are not from our sources: treat them
 * as weights. The phường weights are rougher still (cities have most phường) and are scaled
 * to 687; the 13 đặc khu are the island districts that became special zones.
 */

export interface OldProvince {
  slug: string;
  name: string;
  /** A centrally-run city (thành phố trực thuộc Trung ương): "Thành ủy", "thành phố". */
  city: boolean;
}

export interface NewProvince extends OldProvince {
  /** The old provinces it was formed from; the first has the same slug (and keeps its organisations). */
  from: OldProvince[];
  /** Commune-level units from 01/07/2025. */
  communes: number;
  /** Weight of phường among them. */
  wardWeight: number;
  /** Names of its đặc khu. */
  specialZones: string[];
}

const p = (slug: string, name: string, city = false): OldProvince => ({ slug, name, city });

function province(
  self: OldProvince,
  absorbed: OldProvince[],
  communes: number,
  wardWeight: number,
  specialZones: string[] = [],
): NewProvince {
  return { ...self, from: [self, ...absorbed], communes, wardWeight, specialZones };
}

/** The 34 provinces from 01/07/2025, each with the old provinces it was formed from. */
export const PROVINCES: readonly NewProvince[] = [
  // Unchanged (11).
  province(p("ha-noi", "Hà Nội", true), [], 126, 51),
  province(p("hue", "Huế", true), [], 40, 21),
  province(p("lai-chau", "Lai Châu"), [], 38, 2),
  province(p("dien-bien", "Điện Biên"), [], 45, 3),
  province(p("son-la", "Sơn La"), [], 75, 8),
  province(p("lang-son", "Lạng Sơn"), [], 65, 4),
  province(p("quang-ninh", "Quảng Ninh"), [], 54, 30, ["Vân Đồn", "Cô Tô"]),
  province(p("thanh-hoa", "Thanh Hóa"), [], 166, 19),
  province(p("nghe-an", "Nghệ An"), [], 130, 11),
  province(p("ha-tinh", "Hà Tĩnh"), [], 69, 9),
  province(p("cao-bang", "Cao Bằng"), [], 56, 3),
  // Merged (23), new name first.
  province(p("tuyen-quang", "Tuyên Quang"), [p("ha-giang", "Hà Giang")], 124, 7),
  province(p("lao-cai", "Lào Cai"), [p("yen-bai", "Yên Bái")], 99, 10),
  province(p("thai-nguyen", "Thái Nguyên"), [p("bac-kan", "Bắc Kạn")], 92, 15),
  province(p("phu-tho", "Phú Thọ"), [p("vinh-phuc", "Vĩnh Phúc"), p("hoa-binh", "Hòa Bình")], 148, 15),
  province(p("bac-ninh", "Bắc Ninh"), [p("bac-giang", "Bắc Giang")], 99, 33),
  province(p("hung-yen", "Hưng Yên"), [p("thai-binh", "Thái Bình")], 104, 11),
  province(p("hai-phong", "Hải Phòng", true), [p("hai-duong", "Hải Dương")], 114, 45, [
    "Cát Hải",
    "Bạch Long Vĩ",
  ]),
  province(p("ninh-binh", "Ninh Bình"), [p("ha-nam", "Hà Nam"), p("nam-dinh", "Nam Định")], 129, 32),
  province(p("quang-tri", "Quảng Trị"), [p("quang-binh", "Quảng Bình")], 78, 9, ["Cồn Cỏ"]),
  province(p("da-nang", "Đà Nẵng", true), [p("quang-nam", "Quảng Nam")], 94, 23, ["Hoàng Sa"]),
  province(p("quang-ngai", "Quảng Ngãi"), [p("kon-tum", "Kon Tum")], 96, 9, ["Lý Sơn"]),
  province(p("gia-lai", "Gia Lai"), [p("binh-dinh", "Bình Định")], 135, 25),
  province(p("dak-lak", "Đắk Lắk"), [p("phu-yen", "Phú Yên")], 102, 14),
  province(p("khanh-hoa", "Khánh Hòa"), [p("ninh-thuan", "Ninh Thuận")], 65, 16, ["Trường Sa"]),
  province(p("lam-dong", "Lâm Đồng"), [p("dak-nong", "Đắk Nông"), p("binh-thuan", "Bình Thuận")], 124, 20, [
    "Phú Quý",
  ]),
  province(p("dong-nai", "Đồng Nai"), [p("binh-phuoc", "Bình Phước")], 95, 23),
  province(
    p("ho-chi-minh", "Hồ Chí Minh", true),
    [p("ba-ria-vung-tau", "Bà Rịa - Vũng Tàu"), p("binh-duong", "Bình Dương")],
    168,
    113,
    ["Côn Đảo"],
  ),
  province(p("tay-ninh", "Tây Ninh"), [p("long-an", "Long An")], 96, 14),
  province(
    p("can-tho", "Cần Thơ", true),
    [p("soc-trang", "Sóc Trăng"), p("hau-giang", "Hậu Giang")],
    103,
    31,
  ),
  province(p("vinh-long", "Vĩnh Long"), [p("ben-tre", "Bến Tre"), p("tra-vinh", "Trà Vinh")], 124, 19),
  province(p("dong-thap", "Đồng Tháp"), [p("tien-giang", "Tiền Giang")], 102, 20),
  province(p("ca-mau", "Cà Mau"), [p("bac-lieu", "Bạc Liêu")], 64, 9),
  province(p("an-giang", "An Giang"), [p("kien-giang", "Kiên Giang")], 102, 14, [
    "Phú Quốc",
    "Kiên Hải",
    "Thổ Châu",
  ]),
];

/** Hồ Chí Minh is "Thành phố Hồ Chí Minh", the other cities "thành phố X", provinces "tỉnh X". */
export function placeName(p: OldProvince): string {
  if (p.slug === "ho-chi-minh") return "Thành phố Hồ Chí Minh";
  return p.city ? `thành phố ${p.name}` : `tỉnh ${p.name}`;
}

/** "Thành ủy Hà Nội", "Thành ủy Thành phố Hồ Chí Minh", "Tỉnh ủy Lâm Đồng". */
export function committeeName(p: OldProvince): string {
  if (p.slug === "ho-chi-minh") return "Thành ủy Thành phố Hồ Chí Minh";
  return `${p.city ? "Thành ủy" : "Tỉnh ủy"} ${p.name}`;
}

/** Syllables of Vietnamese place names, for synthetic district, commune and village names. */
export const NAME_SYLLABLES = [
  "An",
  "Bình",
  "Phú",
  "Tân",
  "Hòa",
  "Thạnh",
  "Long",
  "Phước",
  "Thuận",
  "Mỹ",
  "Đông",
  "Tây",
  "Nam",
  "Bắc",
  "Trung",
  "Hưng",
  "Xuân",
  "Hiệp",
  "Lộc",
  "Thành",
  "Quang",
  "Minh",
  "Hải",
  "Sơn",
  "Lâm",
  "Thủy",
  "Vĩnh",
  "Khánh",
  "Đức",
  "Nghĩa",
  "Hợp",
  "Tiến",
  "Phong",
  "Kim",
  "Ngọc",
  "Thịnh",
  "Cường",
  "Châu",
  "Định",
  "Yên",
  "Lạc",
  "Hà",
  "Quý",
  "Trường",
  "Điền",
  "Giang",
] as const;

/** Provincial departments (sở, ban, ngành) that host an agency party organisation. */
export const PROVINCIAL_AGENCIES = [
  { slug: "noi-vu", name: "Sở Nội vụ" },
  { slug: "tu-phap", name: "Sở Tư pháp" },
  { slug: "tai-chinh", name: "Sở Tài chính" },
  { slug: "cong-thuong", name: "Sở Công Thương" },
  { slug: "nong-nghiep", name: "Sở Nông nghiệp và Môi trường" },
  { slug: "xay-dung", name: "Sở Xây dựng" },
  { slug: "khoa-hoc", name: "Sở Khoa học và Công nghệ" },
  { slug: "giao-duc", name: "Sở Giáo dục và Đào tạo" },
  { slug: "y-te", name: "Sở Y tế" },
  { slug: "van-hoa", name: "Sở Văn hóa, Thể thao và Du lịch" },
  { slug: "thanh-tra", name: "Thanh tra tỉnh" },
  { slug: "van-phong-ubnd", name: "Văn phòng Ủy ban nhân dân tỉnh" },
  { slug: "ke-hoach", name: "Sở Kế hoạch và Đầu tư" },
  { slug: "giao-thong", name: "Sở Giao thông vận tải" },
  { slug: "tai-nguyen", name: "Sở Tài nguyên và Môi trường" },
  { slug: "thong-tin", name: "Sở Thông tin và Truyền thông" },
  { slug: "lao-dong", name: "Sở Lao động - Thương binh và Xã hội" },
  { slug: "ngoai-vu", name: "Sở Ngoại vụ" },
  { slug: "dan-toc", name: "Ban Dân tộc tỉnh" },
  { slug: "bao-hiem", name: "Bảo hiểm xã hội tỉnh" },
  { slug: "kho-bac", name: "Kho bạc Nhà nước tỉnh" },
  { slug: "thue", name: "Cục Thuế tỉnh" },
] as const;

/** Offices of a district (phòng, ban) that host a district agency party organisation. */
export const DISTRICT_AGENCIES = [
  { slug: "vp", name: "Văn phòng HĐND và UBND" },
  { slug: "noi-vu", name: "Phòng Nội vụ" },
  { slug: "tu-phap", name: "Phòng Tư pháp" },
  { slug: "tai-chinh", name: "Phòng Tài chính - Kế hoạch" },
  { slug: "giao-duc", name: "Phòng Giáo dục và Đào tạo" },
  { slug: "y-te", name: "Phòng Y tế" },
  { slug: "tai-nguyen", name: "Phòng Tài nguyên và Môi trường" },
  { slug: "lao-dong", name: "Phòng Lao động - Thương binh và Xã hội" },
  { slug: "van-hoa", name: "Phòng Văn hóa và Thông tin" },
  { slug: "kinh-te", name: "Phòng Kinh tế - Hạ tầng" },
  { slug: "nong-nghiep", name: "Phòng Nông nghiệp và Phát triển nông thôn" },
  { slug: "thanh-tra", name: "Thanh tra" },
  { slug: "kho-bac", name: "Kho bạc Nhà nước" },
  { slug: "thue", name: "Chi cục Thuế" },
] as const;

/** Public-service units (đơn vị sự nghiệp) of a district: schools and health. */
export const PUBLIC_SERVICE_KINDS = [
  "Trường Mầm non",
  "Trường Tiểu học",
  "Trường Trung học cơ sở",
  "Trường Trung học phổ thông",
  "Trạm Y tế",
  "Trung tâm Y tế",
  "Trung tâm Giáo dục nghề nghiệp",
] as const;

export const ENTERPRISE_KINDS = [
  "Công ty Cổ phần",
  "Công ty TNHH MTV",
  "Hợp tác xã",
  "Chi nhánh Ngân hàng",
  "Công ty Điện lực",
] as const;

export const MILITARY_UNIT_KINDS = [
  "Ban Chỉ huy Quân sự",
  "Đồn Biên phòng",
  "Trung đoàn",
  "Tiểu đoàn",
  "Lữ đoàn",
  "Kho",
] as const;

export const POLICE_UNIT_KINDS = ["Công an", "Phòng", "Trại tạm giam", "Đội", "Trung tâm"] as const;

/** Sub-units of a đảng bộ cơ sở that have a chi bộ trực thuộc. */
export const CELL_SUBUNITS = ["Phòng", "Tổ", "Khối", "Bộ phận", "Đội", "Khoa"] as const;
