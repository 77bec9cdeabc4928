// scripts/trino.mjs, the parts that need no server: which JDK it picks, and how it splits DDL.
import { findJdks, pickJdk, splitStatements, TRINO_JAVA, TRINO_VERSION } from '../../scripts/trino.mjs';

describe('npm run trino', () => {
  test('picks the newest JDK Trino runs on', () => {
    const jdks = [
      { home: '/usr/lib/jvm/temurin-25', feature: 25 },
      { home: '/usr/lib/jvm/temurin-24', feature: 24 },
      { home: '/usr/lib/jvm/openjdk-17', feature: 17 },
    ];
    expect(pickJdk(jdks)).toEqual({ home: '/usr/lib/jvm/temurin-25', feature: 25 });
  });

  test('says which Java it needs and which it found when none fits', () => {
    expect(() => pickJdk([{ home: '/usr/lib/jvm/openjdk-17', feature: 17 }])).toThrow(
      `Trino ${TRINO_VERSION} needs Java ${TRINO_JAVA} or later; found Java 17 (/usr/lib/jvm/openjdk-17)`,
    );
    expect(() => pickJdk([])).toThrow(`Trino ${TRINO_VERSION} needs Java ${TRINO_JAVA} or later; found none`);
  });

  test('finds the JDKs of this machine with their versions, newest first', () => {
    const found = findJdks();
    expect(found.map((j) => j.feature)).toEqual([...found.map((j) => j.feature)].sort((a, b) => b - a));
    for (const jdk of found) expect(jdk).toEqual({ home: expect.stringMatching(/^\//), feature: expect.any(Number) });
  });

  test('splits DDL at the semicolons that end a line, not at those inside a statement', () => {
    const ddl = "CREATE TABLE t (a varchar)\nWITH (x = 'a;b');\n\nCALL hive.system.register_partition(location => 'p;q');\n";
    expect(splitStatements(ddl)).toEqual(["CREATE TABLE t (a varchar)\nWITH (x = 'a;b')", "CALL hive.system.register_partition(location => 'p;q')"]);
  });
});
