import { describe, expect, it } from "vitest";
import { type SeedFile, SeedValidationError, validateSeed } from "../../src/seed/validate-seed.ts";

/** A small valid seed: a document, a province, an agency cell under the bloc committee. */
function goodSeed(): SeedFile[] {
  return [
    {
      file: "documents.yaml",
      content: {
        documents: [
          {
            id: "qd-138-2023",
            number: "138-QĐ/TW",
            type: "QUY_DINH",
            title: "Quy định 138",
            issuer: "ban-bi-thu",
            // Undated here, so that the relations may stay undated; the rule that a fact starts
            // no earlier than its document has its own test.
            issuedOn: null,
            provisions: [{ id: "qd-138-2023-d9-k1", article: 9, clause: 1, excerpt: "chịu sự lãnh đạo" }],
          },
        ],
      },
    },
    {
      file: "units.yaml",
      content: {
        units: [
          {
            id: "bch-trung-uong",
            name: "Ban Chấp hành Trung ương",
            kind: "CENTRAL_COMMITTEE",
            source: ["qd-138-2023-d9-k1"],
          },
          { id: "ban-bi-thu", name: "Ban Bí thư", kind: "SECRETARIAT", source: ["qd-138-2023-d9-k1"] },
          { id: "tinh-uy-a", name: "Tỉnh ủy A", kind: "PROVINCIAL_COMMITTEE", source: "synthetic" },
          {
            id: "khoi-a",
            name: "Đảng ủy Khối A",
            kind: "AGENCIES_BLOC_COMMITTEE",
            source: "synthetic",
            validTo: "2025-06-30",
          },
          {
            id: "chi-bo-a",
            name: "Chi bộ A",
            kind: "BASIC_PARTY_CELL",
            source: "synthetic",
            sector: "AGENCY",
          },
        ],
        relations: [
          { type: "PART_OF", from: "ban-bi-thu", to: "bch-trung-uong", basis: ["qd-138-2023-d9-k1"] },
          { type: "SUBORDINATE_TO", from: "tinh-uy-a", to: "bch-trung-uong", basis: ["qd-138-2023-d9-k1"] },
          { type: "SUBORDINATE_TO", from: "khoi-a", to: "tinh-uy-a", basis: ["qd-138-2023-d9-k1"] },
          { type: "SUBORDINATE_TO", from: "chi-bo-a", to: "khoi-a", basis: ["qd-138-2023-d9-k1"] },
          {
            type: "SUBORDINATE_TO",
            from: "chi-bo-a",
            to: "tinh-uy-a",
            validFrom: "2025-07-01",
            basis: ["qd-138-2023-d9-k1"],
          },
        ],
      },
    },
  ];
}

function issuesOf(files: SeedFile[]) {
  try {
    validateSeed(files);
  } catch (e) {
    expect(e).toBeInstanceOf(SeedValidationError);
    return (e as SeedValidationError).issues;
  }
  throw new Error("expected the seed to be rejected");
}

type Mutable = { units: Record<string, unknown>[]; relations: Record<string, unknown>[] };
const units = (files: SeedFile[]) => ((files[1] as SeedFile).content as Mutable).units;
const relations = (files: SeedFile[]) => ((files[1] as SeedFile).content as Mutable).relations;

describe("validateSeed", () => {
  it("refuses a relation that starts before the document it cites (issuedOn or notBefore)", () => {
    const files = goodSeed();
    const doc = ((files[0] as SeedFile).content as { documents: Record<string, unknown>[] }).documents[0];
    expect(doc).toBeDefined();
    (doc as Record<string, unknown>).notBefore = "2023-12-01";
    relations(files)[0] = { ...relations(files)[0], validFrom: "2020-01-01" };
    const issues = issuesOf(files);
    expect(issues.map((i) => i.message)).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/starts 2020-01-01, before the earliest document it cites \(2023-12-01\)/),
        expect.stringMatching(/starts with no date, before the earliest document it cites/),
      ]),
    );
  });

  it("accepts a valid seed and fills relation intervals from the endpoints", () => {
    const graph = validateSeed(goodSeed());
    expect(graph.units).toHaveLength(5);
    const toBloc = graph.relations.find((r) => r.from === "chi-bo-a" && r.to === "khoi-a");
    expect(toBloc?.validTo).toBe("2025-06-30");
    expect(toBloc?.id).toBe("subordinate_to.chi-bo-a.khoi-a");
  });

  it("rejects an unknown kind, naming file, entry and field", () => {
    const files = goodSeed();
    (units(files)[2] as Record<string, unknown>).kind = "PROVINCE";
    const [issue] = issuesOf(files);
    expect(issue).toMatchObject({ file: "units.yaml", entry: "units[2] (tinh-uy-a)", field: "kind" });
  });

  it("rejects a dangling id", () => {
    const files = goodSeed();
    (relations(files)[1] as Record<string, unknown>).to = "bch-khong-co";
    const found = issuesOf(files);
    expect(found).toContainEqual(
      expect.objectContaining({ file: "units.yaml", field: "to", message: 'unknown unit "bch-khong-co"' }),
    );
  });

  it("rejects a basis that cites no known provision", () => {
    const files = goodSeed();
    (relations(files)[0] as Record<string, unknown>).basis = ["qd-138-2023-d99"];
    expect(issuesOf(files)).toContainEqual(
      expect.objectContaining({ field: "basis[0]", message: 'unknown provision "qd-138-2023-d99"' }),
    );
  });

  it("rejects a malformed date", () => {
    const files = goodSeed();
    (units(files)[3] as Record<string, unknown>).validTo = "2025-02-30";
    expect(issuesOf(files)).toContainEqual(
      expect.objectContaining({
        entry: "units[3] (khoi-a)",
        field: "validTo",
        message: "must be a real date written yyyy-mm-dd",
      }),
    );
  });

  it("rejects an inverted interval", () => {
    const files = goodSeed();
    (units(files)[3] as Record<string, unknown>).validFrom = "2026-01-01";
    expect(issuesOf(files)).toContainEqual(
      expect.objectContaining({
        entry: "units[3] (khoi-a)",
        field: "validTo",
        message: "validTo 2025-06-30 is before validFrom 2026-01-01",
      }),
    );
  });

  it("rejects a cycle in SUBORDINATE_TO", () => {
    const files = goodSeed();
    relations(files).push({
      type: "SUBORDINATE_TO",
      from: "bch-trung-uong",
      to: "tinh-uy-a",
      basis: ["qd-138-2023-d9-k1"],
    });
    const found = issuesOf(files);
    expect(
      found.some((i) => i.field === "to" && /cycle/.test(i.message) && /tinh-uy-a/.test(i.message)),
    ).toBe(true);
  });

  it("rejects two active direct superiors at one date", () => {
    const files = goodSeed();
    (relations(files)[4] as Record<string, unknown>).validFrom = "2025-01-01";
    const found = issuesOf(files);
    expect(found).toContainEqual(
      expect.objectContaining({
        entry: "relations[4]",
        message: expect.stringContaining('"chi-bo-a" would have two direct superiors at once'),
      }),
    );
  });

  it("rejects a relation outside its endpoints' validity", () => {
    const files = goodSeed();
    (relations(files)[3] as Record<string, unknown>).validTo = "2026-01-01";
    expect(issuesOf(files)).toContainEqual(
      expect.objectContaining({
        message: expect.stringContaining('not within the validity of its to unit "khoi-a"'),
      }),
    );
  });

  it("rejects duplicate ids across files", () => {
    const files = goodSeed();
    units(files).push({ id: "qd-138-2023", name: "X", kind: "STATE_AGENCY", source: "synthetic" });
    expect(issuesOf(files)).toContainEqual(
      expect.objectContaining({ message: expect.stringContaining('duplicate id "qd-138-2023"') }),
    );
  });

  it("reports a YAML syntax error with its file", () => {
    const found = issuesOf([
      ...goodSeed(),
      { file: "broken.yaml", content: undefined, parseError: "bad indentation at line 3" },
    ]);
    expect(found).toContainEqual(
      expect.objectContaining({ file: "broken.yaml", message: "bad indentation at line 3" }),
    );
  });

  it("accepts a synthetic relation without a basis, and refuses an empty basis otherwise", () => {
    const files = goodSeed();
    units(files).push({ id: "vp-a", name: "Văn phòng Tỉnh ủy A", kind: "PARTY_OFFICE", source: "synthetic" });
    relations(files).push({ type: "PART_OF", from: "vp-a", to: "tinh-uy-a", synthetic: true });
    const graph = validateSeed(files);
    expect(graph.relations.find((r) => r.from === "vp-a")).toMatchObject({ synthetic: true, basis: [] });
    relations(files)[relations(files).length - 1] = { type: "PART_OF", from: "vp-a", to: "tinh-uy-a" };
    expect(issuesOf(files)).toContainEqual(
      expect.objectContaining({ field: "basis", message: expect.stringContaining("synthetic: true") }),
    );
  });

  it("refuses a provincial document as the basis of a relation between units of another province", () => {
    const files = goodSeed();
    const docs = ((files[0] as SeedFile).content as { documents: Record<string, unknown>[] }).documents;
    docs.push({
      id: "cv-b",
      number: "1-CV/TU",
      type: "CONG_VAN",
      title: "Công văn của Tỉnh ủy B",
      issuer: "tinh-uy-b",
      provisions: [
        {
          id: "cv-b-skinh-gui",
          section: "kinh-gui",
          kind: "ADDRESSEES",
          excerpt: "Kính gửi: Văn phòng Tỉnh ủy",
        },
      ],
    });
    units(files).push(
      {
        id: "tinh-uy-b",
        name: "Tỉnh ủy B",
        kind: "PROVINCIAL_COMMITTEE",
        province: "b",
        source: "synthetic",
      },
      { id: "vp-a", name: "Văn phòng Tỉnh ủy A", kind: "PARTY_OFFICE", province: "a", source: "synthetic" },
      { id: "vp-b", name: "Văn phòng Tỉnh ủy B", kind: "PARTY_OFFICE", province: "b", source: "synthetic" },
    );
    (units(files)[2] as Record<string, unknown>).province = "a";
    relations(files).push(
      { type: "SUBORDINATE_TO", from: "tinh-uy-b", to: "bch-trung-uong", basis: ["qd-138-2023-d9-k1"] },
      { type: "PART_OF", from: "vp-b", to: "tinh-uy-b", basis: ["cv-b-skinh-gui"] },
      { type: "PART_OF", from: "vp-a", to: "tinh-uy-a", basis: ["cv-b-skinh-gui"] },
    );
    const found = issuesOf(files);
    // Province B's list backs B's own organ, not A's.
    expect(found).toEqual([
      expect.objectContaining({
        field: "basis",
        message: expect.stringContaining('provision "cv-b-skinh-gui" is of a document of province "b"'),
      }),
    ]);
    expect(found[0]?.entry).toContain("relations[");
    expect(found[0]?.message).toContain('"vp-a"');
  });
  it("refuses a letter's addressees or distribution list as the basis of a relation of a unit founded after the letter", () => {
    const files = goodSeed();
    const docs = ((files[0] as SeedFile).content as { documents: Record<string, unknown>[] }).documents;
    docs.push({
      id: "cv-a",
      number: "2-CV/TU",
      type: "CONG_VAN",
      title: "Công văn của Tỉnh ủy A",
      issuer: "tinh-uy-a",
      issuedOn: "2023-12-29",
      provisions: [
        {
          id: "cv-a-skinh-gui",
          section: "kinh-gui",
          kind: "ADDRESSEES",
          excerpt: "Kính gửi: Văn phòng Tỉnh ủy",
        },
      ],
    });
    units(files).push(
      { id: "vp-a", name: "Văn phòng Tỉnh ủy A", kind: "PARTY_OFFICE", source: "synthetic" },
      {
        id: "vp-a-2025",
        name: "Văn phòng Tỉnh ủy A (mới)",
        kind: "PARTY_OFFICE",
        validFrom: "2025-07-01",
        source: "synthetic",
      },
    );
    relations(files).push(
      { type: "PART_OF", from: "vp-a", to: "tinh-uy-a", validFrom: "2023-12-29", basis: ["cv-a-skinh-gui"] },
      { type: "PART_OF", from: "vp-a-2025", to: "tinh-uy-a", basis: ["cv-a-skinh-gui"] },
    );
    // The letter names the organ that existed when it was sent, not the one founded in 2025.
    expect(issuesOf(files)).toEqual([
      expect.objectContaining({
        field: "basis",
        message: expect.stringMatching(
          /"cv-a-skinh-gui" lists whom a document of 2023-12-29 was sent to; it cannot name "vp-a-2025", founded 2025-07-01/,
        ),
      }),
    ]);
    // Carried over, it is synthetic, and says so.
    relations(files)[relations(files).length - 1] = {
      type: "PART_OF",
      from: "vp-a-2025",
      to: "tinh-uy-a",
      synthetic: true,
      note: "Carried over from the Văn phòng named by 2-CV/TU.",
    };
    expect(validateSeed(files).relations.find((r) => r.from === "vp-a-2025")).toMatchObject({
      synthetic: true,
    });
  });
});
