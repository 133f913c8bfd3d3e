/** Where the JVM side lives (neo4j/pom.xml, neo4j/src/main/java/partyorg/Neo4jLauncher.java) and what Maven builds from it. */
import path from "node:path";
import { PACKAGE_ROOT } from "../asset-paths.ts";

export const REPO_ROOT = PACKAGE_ROOT;
const NEO4J_DIR = path.join(REPO_ROOT, "neo4j");
export const POM = path.join(NEO4J_DIR, "pom.xml");
export const LAUNCHER_SOURCE = path.join(NEO4J_DIR, "src/main/java/partyorg/Neo4jLauncher.java");
export const TARGET_DIR = path.join(NEO4J_DIR, "target");
export const CLASSES_DIR = path.join(TARGET_DIR, "classes");
export const LAUNCHER_CLASS = path.join(CLASSES_DIR, "partyorg/Neo4jLauncher.class");
export const CLASSPATH_FILE = path.join(TARGET_DIR, "classpath.txt");
export const BUILD_LOCK = path.join(TARGET_DIR, ".build-lock");
export const MAIN_CLASS = "partyorg.Neo4jLauncher";
