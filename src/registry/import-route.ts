import type { Express } from "express";
import type { RegistryDeps } from "./registry-route.ts";

export function mountRegistryImport(_app: Express, _deps: RegistryDeps): void {}
