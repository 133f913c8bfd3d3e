/**
 * The reminder webhooks' address rule without a network: which addresses count as public
 * (ipaddr.js's `unicast`), how the URL parser's spellings of loopback are caught, and that the
 * allow-list matches names by domain but addresses exactly.
 */
import { describe, expect, it } from "vitest";
import { webhookUrlProblem } from "../../src/reminders/target.ts";
import { allowedHostsOf, hostListed, nonPublicRange } from "../../src/reminders/webhook-address.ts";

describe("webhook addresses", () => {
  it("count only public unicast addresses as public", () => {
    expect(nonPublicRange("8.8.8.8")).toBeNull();
    expect(nonPublicRange("2606:4700::1111")).toBeNull();
    expect(nonPublicRange("127.0.0.1")).toBe("loopback");
    expect(nonPublicRange("10.1.2.3")).toBe("private");
    expect(nonPublicRange("169.254.169.254")).toBe("linkLocal");
    expect(nonPublicRange("100.64.0.1")).toBe("carrierGradeNat");
    expect(nonPublicRange("0.0.0.0")).toBe("unspecified");
    expect(nonPublicRange("::1")).toBe("loopback");
    expect(nonPublicRange("fd00::1")).toBe("uniqueLocal");
    expect(nonPublicRange("::ffff:10.0.0.1")).toBe("private");
    expect(nonPublicRange("::7f00:1")).toBe("IPv4-compatible IPv6");
    expect(nonPublicRange("64:ff9b::a00:1")).toBe("rfc6052");
  });

  it("refuse loopback in the URL parser's spellings unless listed", () => {
    for (const url of ["http://2130706433/", "http://0x7f.1/", "http://127.1/", "http://[::ffff:7f00:1]/"])
      expect(webhookUrlProblem(url, []), url).toContain("is not a public address (loopback)");
    expect(webhookUrlProblem("http://LOCALHOST./x", [])).toContain("not a public address");
    expect(webhookUrlProblem("https://chat.example.vn/x", [])).toBeNull();
    expect(webhookUrlProblem("http://2130706433/", ["127.0.0.1"])).toBeNull();
  });

  it("match listed names by domain and listed addresses exactly", () => {
    const hosts = allowedHostsOf(" Example.VN , [::1], 0.0.1 ");
    expect(hosts).toEqual(["example.vn", "::1", "0.0.1"]);
    expect(hostListed("chat.example.vn", hosts)).toBe(true);
    expect(hostListed("example.vn.evil.org", hosts)).toBe(false);
    expect(hostListed("[0:0::1]", hosts)).toBe(true);
    expect(hostListed("127.0.0.1", hosts)).toBe(false);
  });
});
