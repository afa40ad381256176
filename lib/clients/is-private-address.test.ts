import { describe, expect, it } from "vitest";
import { isPrivateAddress } from "@/lib/clients/is-private-address";

describe("private address check", () => {
  it.each([
    "127.0.0.1", "127.1.2.3", "10.0.0.5", "172.16.0.1", "172.31.255.255", "192.168.1.1", "169.254.169.254", "100.64.0.1",
    "0.0.0.0", "224.0.0.1", "255.255.255.255", "::1", "::", "fe80::1", "fd00::1", "fc00::1", "ff02::1",
    "::ffff:127.0.0.1", "::ffff:7f00:1", "::ffff:10.0.0.1", "64:ff9b::a9fe:a9fe", "[::1]", "fe80::1%eth0", "not-an-ip", "",
    // IPv4-compatible (deprecated), written in hex, dotted, or in full.
    "::7f00:1", "::127.0.0.1", "0:0:0:0:0:0:7f00:1", "::a9fe:a9fe", "::808:808",
    // IPv4-mapped in full and mixed forms; IPv4-translated.
    "0:0:0:0:0:ffff:7f00:1", "0::ffff:a9fe:a9fe", "::FFFF:C0A8:0101", "::ffff:0:7f00:1", "::ffff:0:808:808",
    // NAT64: the well-known prefix carrying a private address, and the local-use prefix carrying anything.
    "64:ff9b::127.0.0.1", "64:ff9b::a00:1", "64:ff9b:1::7f00:1", "64:ff9b:1:ffff::808:808", "64:ff9b:1::8.8.8.8",
    // 6to4 and Teredo, which tunnel to an IPv4 address; documentation prefixes.
    "2002:7f00:1::", "2002:c0a8:101::1", "2001:0:4136:e378:8000:63bf:3fff:fdd2", "2001:db8::1", "3fff::1",
  ])("refuses %s", (address) => {
    expect(isPrivateAddress(address)).toBe(true);
  });

  it.each(["93.184.215.14", "8.8.8.8", "172.32.0.1", "2606:4700:4700::1111", "::ffff:8.8.8.8", "64:ff9b::808:808", "64:ff9b::8.8.8.8", "2a00:1450:4001::200e", "2001:4860:4860::8888"])(
    "accepts public %s",
    (address) => {
      expect(isPrivateAddress(address)).toBe(false);
    },
  );
});
