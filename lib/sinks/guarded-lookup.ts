import { lookup as dnsLookup, type LookupAddress } from "node:dns";
import { isIP, type LookupFunction } from "node:net";
import { isPrivateAddress } from "@/lib/clients/is-private-address";
import { SinkDeliveryError } from "@/lib/sinks/sink-errors";

/**
 * The SSRF rules of the metadata-document fetcher (lib/clients/fetch-client-metadata-document.ts), for sinks: a
 * private, loopback or link-local address is refused unless the admin allowed it for this sink. The check runs inside
 * the connection's own DNS lookup, so a name that resolves differently the second time (DNS rebinding) cannot slip
 * past a check made earlier.
 */
export function guardedLookup(allowPrivate: boolean): LookupFunction {
  return (hostname, options, callback) => {
    dnsLookup(hostname, { ...options, all: true }, (error, addresses) => {
      if (error) return callback(new SinkDeliveryError(`${hostname} does not resolve (${error.code ?? error.message})`), "", 0);
      const list = addresses as LookupAddress[];
      const blocked = list.find((a) => isPrivateAddress(a.address));
      if (!allowPrivate && blocked) {
        return callback(new SinkDeliveryError(`${hostname} resolves to a private address (${blocked.address}) and this sink is not allowed private addresses`), "", 0);
      }
      if (list.length === 0) return callback(new SinkDeliveryError(`${hostname} does not resolve`), "", 0);
      if ((options as { all?: boolean }).all) return (callback as unknown as (e: null, a: LookupAddress[]) => void)(null, list);
      callback(null, list[0].address, list[0].family);
    });
  };
}

/** Refuses a literal private address before connecting (a literal IP never goes through the lookup above). */
export function checkLiteralAddress(host: string, allowPrivate: boolean): void {
  const bare = host.replace(/^\[|\]$/g, "");
  if (isIP(bare) && !allowPrivate && isPrivateAddress(bare)) {
    throw new SinkDeliveryError(`${bare} is a private address and this sink is not allowed private addresses`);
  }
}

/** Resolves a host now, with the same rule: used when a sink is added, so a bad target is refused at once. */
export function checkHostAllowed(host: string, allowPrivate: boolean): Promise<void> {
  checkLiteralAddress(host, allowPrivate);
  const bare = host.replace(/^\[|\]$/g, "");
  if (isIP(bare)) return Promise.resolve();
  return new Promise((resolve, reject) => {
    guardedLookup(allowPrivate)(bare, { all: true }, (error) => (error ? reject(error) : resolve()));
  });
}
