// Every other `pcap/...` path for TypeScript 3.1 to 4.0 (package.json `typesVersions`): these
// modules (decoder classes, dns_cache) export one value, `any` here as without node_pcap 3.1.0's
// declarations. The paths with named exports have their own file beside this one.
declare const untyped: any;
export = untyped;
