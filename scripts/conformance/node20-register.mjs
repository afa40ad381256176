// `node --import ./node20-register.mjs`: installs node20-hooks.mjs before the conformance suite loads.
import { register } from "node:module";

register("./node20-hooks.mjs", import.meta.url);
