package io.segmenta.architecture;

import static com.tngtech.archunit.base.DescribedPredicate.describe;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAnyPackage;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideOutsideOfPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.base.DescribedPredicate;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The architecture of every module, checked on the bytecode of their main classes (this module depends on all of
 * them, test scope, so ArchUnit sees the whole of {@code io.segmenta}). docs/architecture.md draws what is checked
 * here; a rule that fails names the class and the dependency that broke it.
 */
class ArchitectureTest {
  private static JavaClasses classes;

  /**
   * Which modules each module may use: downwards only. A module is the package under {@code io.segmenta} its
   * classes live in. {@code sql} is the engine-neutral compiler module that issue 13 adds (optional: absent on
   * branches where it has not landed yet). The server knows no engine: the CLI opens the store and hands it over.
   */
  private static final Map<String, Set<String>> MAY_USE = new LinkedHashMap<>();

  static {
    MAY_USE.put("stats", Set.of());
    MAY_USE.put("core", Set.of("stats"));
    MAY_USE.put("sql", Set.of("core", "stats"));
    MAY_USE.put("ml", Set.of("core", "stats"));
    MAY_USE.put("testkit", Set.of("core", "stats"));
    MAY_USE.put("duckdb", Set.of("core", "stats", "sql"));
    MAY_USE.put("server", Set.of("core", "stats", "sql", "ml"));
    MAY_USE.put("web", Set.of("core", "stats", "sql", "ml", "server"));
    MAY_USE.put("cli", Set.of("core", "stats", "sql", "ml", "duckdb", "server", "web", "testkit"));
    MAY_USE.put("spark", Set.of("core", "stats", "sql"));
    MAY_USE.put("bench", Set.of("core", "stats", "sql", "ml", "duckdb", "server", "web", "testkit"));
    // segmenta-bench-spark: SparkBench times segmenta-spark against the DuckDB store on SegmentBench's segments.
    MAY_USE.put("benchspark", Set.of("core", "stats", "sql", "duckdb", "testkit", "spark", "bench"));
  }

  /** The domain and the language: what every feature is written in. */
  private static final String[] DOMAIN = {"io.segmenta.core", "io.segmenta.core.model", "io.segmenta.core.rule",
      "io.segmenta.core.schema", "io.segmenta.core.value"};

  @BeforeAll
  static void importClasses() {
    classes = new ClassFileImporter()
        .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
        .importPackages("io.segmenta")
        .that(resideOutsideOfPackage("io.segmenta.architecture.."));
  }

  @Test
  void classes_imported_coverEveryModule() {
    for (String module : List.of("stats", "core", "ml", "testkit", "duckdb", "server", "web", "cli", "bench", "benchspark")) {
      boolean found = classes.stream().anyMatch(c -> c.getPackageName().startsWith("io.segmenta." + module));
      if (!found) {
        throw new AssertionError("no class of module " + module + " was imported: the rules below would pass vacuously");
      }
    }
  }

  @Test
  void modules_dependDownwardsOnly() {
    for (Map.Entry<String, Set<String>> e : MAY_USE.entrySet()) {
      String[] allowed = e.getValue().stream().map(m -> "io.segmenta." + m + "..").toArray(String[]::new);
      String[] self = {"io.segmenta." + e.getKey() + ".."};
      ArchRule rule = classes().that().resideInAPackage("io.segmenta." + e.getKey() + "..")
          .should().onlyDependOnClassesThat(resideOutsideOfPackage("io.segmenta..")
              .or(resideInAnyPackage(self)).or(resideInAnyPackage(allowed)))
          .allowEmptyShould(true)
          .because("modules depend downwards only: " + e.getKey() + " may use " + e.getValue());
      rule.check(classes);
    }
  }

  @Test
  void spark_onlyInTheSparkModule() {
    // Spark's 327 MB of jars stay off every other module's class path (the CLI starts in a fraction of a second);
    // segmenta-spark is the one module that names it, and nothing names segmenta-spark.
    if (classes.stream().noneMatch(c -> c.getPackageName().startsWith("io.segmenta.spark"))) {
      throw new AssertionError("no class of module spark was imported: the rule below would pass vacuously");
    }
    // The one exception: segmenta-bench-spark (io.segmenta.benchspark), a benchmark run in a JVM of its own that
    // times Spark against the embedded store; it is on no class path but its own (nothing depends on it).
    noClasses().that().resideOutsideOfPackages("io.segmenta.spark..", "io.segmenta.benchspark..")
        .should().dependOnClassesThat().resideInAnyPackage("org.apache.spark..", "scala..", "io.segmenta.spark..")
        .because("Apache Spark is segmenta-spark's dependency alone (docs/lake.md, issue 19)")
        .check(classes);
  }

  @Test
  void modules_haveNoCycles() {
    slices().matching("io.segmenta.(*)..").should().beFreeOfCycles().check(classes);
  }

  @Test
  void packages_haveNoCycles() {
    slices().matching("io.segmenta.(**)").should().beFreeOfCycles().check(classes);
  }

  @Test
  void domainAndLanguage_useNoFeatureNorLibrary() {
    // Records and sealed interfaces over the JDK alone: no JSON, no templates, no engine, no feature package.
    noClasses().that().resideInAnyPackage(DOMAIN)
        .should().dependOnClassesThat(resideInAPackage("io.segmenta..")
            .and(resideOutsideOfPackage("io.segmenta.stats.."))
            .and(describe("outside the domain and the language",
                (JavaClass c) -> !List.of(DOMAIN).contains(c.getPackageName()))))
        .orShould().dependOnClassesThat(resideOutsideOfPackage("java..").and(resideOutsideOfPackage("io.segmenta..")))
        .because("the domain and the language are free of wire formats, template rendering and file readers")
        .check(classes);
  }

  @Test
  void jackson_onlyInWireFormatPackages() {
    // In core, JSON is a wire format: it lives in a package named for it, or in the import pipeline that reads
    // canonical JSON lines and Segment's messages, or with the e-mail templates (a template file is JSON).
    noClasses().that().resideInAPackage("io.segmenta.core..")
        .and().resideOutsideOfPackages("..json..", "io.segmenta.core.ingest..", "io.segmenta.core.email.template..")
        .should().dependOnClassesThat().resideInAPackage("com.fasterxml..")
        .check(classes);
  }

  @Test
  void segmentSpec_onlyInItsPackage() {
    noClasses().that().resideInAPackage("io.segmenta.core..")
        .and().resideOutsideOfPackage("io.segmenta.core.ingest.segment..")
        .should().dependOnClassesThat().resideInAPackage("io.segmenta.core.ingest.segment..")
        .because("Segment's tracking spec is one wire format among others: only the server and the CLI speak it")
        .check(classes);
  }

  @Test
  void templates_onlyInTheTemplatePackage() {
    // E-mail templates in core, the web app's pages in segmenta-web's view package.
    noClasses().that().resideOutsideOfPackages("io.segmenta.core.email.template..", "io.segmenta.web.view..")
        .should().dependOnClassesThat().resideInAPackage("io.pebbletemplates..")
        .check(classes);
  }

  @Test
  void fileReaders_outsideTheDomain() {
    classes().that().implement("io.segmenta.core.ingest.RowSource")
        .should().resideInAnyPackage("io.segmenta.core.ingest.csv..", "io.segmenta.duckdb..", "io.segmenta.sql..")
        .because("a reader of a file format gets a package of its own")
        .check(classes);
    noClasses().that().resideInAPackage("io.segmenta.core..")
        .and().resideOutsideOfPackage("io.segmenta.core.ingest.csv..")
        .should().dependOnClassesThat().resideInAPackage("io.segmenta.core.ingest.csv..")
        .check(classes);
  }

  @Test
  void classes_namedForHowTheyWork() {
    // The project's style: a class is named for what it does, not for being an implementation or a bag of helpers.
    noClasses().should().haveSimpleNameEndingWith("Impl")
        .orShould().haveSimpleNameEndingWith("Manager")
        .orShould().haveSimpleNameEndingWith("Util")
        .orShould().haveSimpleNameEndingWith("Utils")
        .orShould().haveSimpleNameEndingWith("Helper")
        .check(classes);
  }

  /**
   * Classes that may still take the whole store, by name, each for a reason given in its header. None today: every
   * feature of core and ml takes the role ports it reads (or a small record of them, such as
   * {@code Lookalikes.Sources}).
   */
  private static final Set<String> TAKE_THE_WHOLE_STORE = Set.of();

  @Test
  void features_takeRolesNotTheStore() {
    // The store is the composition root an engine provides; a feature reads through the roles it needs, so what it
    // touches shows in its signature and a second engine (or a test) can hand it just those.
    noClasses().that().resideInAnyPackage("io.segmenta.core..", "io.segmenta.ml..")
        .and().resideOutsideOfPackage("io.segmenta.core.store..")
        .and(describe("not allowed the whole store by name", (JavaClass c) -> !TAKE_THE_WHOLE_STORE.contains(c.getName())))
        .should().dependOnClassesThat().resideInAPackage("io.segmenta.core.store..")
        .because("core and ml features take the role ports in core.port (catalog, profiles, audiences, ...), not the Store")
        .check(classes);
  }

  @Test
  void server_knowsNoEngine() {
    noClasses().that().resideInAnyPackage("io.segmenta.server..", "io.segmenta.web..")
        .should().dependOnClassesThat().resideInAnyPackage("io.segmenta.duckdb..", "org.duckdb..", "java.sql..")
        .because("the server is handed a Store; the CLI opens it (segmenta-duckdb is a test dependency of the server)")
        .check(classes);
  }
}
