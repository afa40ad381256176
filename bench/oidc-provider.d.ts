// node-oidc-provider ships no type declarations; the benchmark uses only its constructor and listen().
declare module "oidc-provider";
