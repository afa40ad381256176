import type { BuiltinScope } from "@/lib/policy/catalog";

export interface NavItem {
  href: string;
  label: string;
  /** The scope needed to open the page; items the user cannot open are not shown. */
  scope: BuiltinScope;
  /** Shown only in this configuration: `external-issuer` = issuer mode authkit or bridge. */
  when?: "external-issuer";
}

export const NAV_ITEMS: NavItem[] = [
  { href: "/", label: "Dashboard", scope: "account:read" },
  { href: "/clients", label: "Clients", scope: "clients:read" },
  { href: "/roles", label: "Roles", scope: "policy:read" },
  { href: "/scopes", label: "Scopes & tools", scope: "policy:read" },
  { href: "/servers", label: "Servers", scope: "servers:read" },
  { href: "/users", label: "Users", scope: "users:read" },
  { href: "/tokens", label: "Tokens & grants", scope: "tokens:read" },
  { href: "/approvals", label: "Approvals", scope: "policy:read" },
  { href: "/audit", label: "Audit log", scope: "audit:read" },
  { href: "/audit/sinks", label: "Audit sinks", scope: "audit:read" },
  { href: "/reviews", label: "Access reviews", scope: "audit:read" },
  { href: "/connect", label: "Connect", scope: "account:read" },
  { href: "/account", label: "Your account", scope: "account:read" },
  { href: "/settings", label: "Settings", scope: "settings:read" },
  { href: "/workos", label: "WorkOS", scope: "policy:read", when: "external-issuer" },
];
