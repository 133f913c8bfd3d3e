package partyorg;
public final class Neo4jLauncher { public static void main(String[] a) {} }
