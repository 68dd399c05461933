package dev.digest.api;

import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAnyPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import dev.digest.api.web.ProblemException;
import dev.digest.api.web.ProblemType;

/**
 * The api's package rules. Each is a method, not a field, so that {@code -Dtest=ArchitectureTest}
 * runs them too.
 */
@AnalyzeClasses(packages = "dev.digest.api", importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTest {

    /**
     * Feature packages form a hierarchy, never a cycle: from {@code web}, {@code config} and
     * {@code domain} at the bottom, through {@code auth}, {@code tenant}, {@code queue},
     * {@code schedule} and the catalogues (event types, email and digest templates), up to
     * {@code digest}, {@code preview}, {@code run} and {@code operations}.
     */
    @ArchTest
    static void packagesAreFreeOfCycles(JavaClasses classes) {
        slices().matching("dev.digest.api.(*)..").should().beFreeOfCycles().check(classes);
    }

    /**
     * The job queue is a leaf: it puts committed runs (common's {@code PublishableRun}) on the
     * stream and records their stream ids in common's run ledger. Of the api it uses only its
     * configuration, so runs, schedules and operations can all publish through it.
     */
    @ArchTest
    static void queueDependsOnNoOtherFeature(JavaClasses classes) {
        noClasses().that().resideInAPackage("dev.digest.api.queue..")
                .should().dependOnClassesThat(resideInAPackage("dev.digest.api..")
                        .and(resideInAnyPackage("dev.digest.api.queue..", "dev.digest.api.config..").negate()))
                .check(classes);
    }

    /**
     * Storage speaks the domain's language, not HTTP's: repositories, stores and the tenant
     * package's shared persistence never use the web layer's problems. A missing row is a
     * {@code NotFoundException}; what a client did wrong is decided by the services and resources
     * that validate requests.
     */
    @ArchTest
    static void storageRaisesNoHttpProblems(JavaClasses classes) {
        noClasses().that(storage())
                .should().dependOnClassesThat().belongToAnyOf(ProblemException.class, ProblemType.class)
                .check(classes);
    }

    /**
     * Not found is one domain exception everywhere: only {@code web}, which maps it to the 404
     * problem, names the not-found problem type.
     */
    @ArchTest
    static void onlyWebWordsNotFoundAsAProblem(JavaClasses classes) {
        noClasses().that().resideOutsideOfPackage("dev.digest.api.web..")
                .should().accessField(ProblemType.class, ProblemType.NOT_FOUND.name())
                .check(classes);
    }

    private static DescribedPredicate<JavaClass> storage() {
        return DescribedPredicate.describe("are repositories, stores or tenant persistence",
                type -> type.getSimpleName().endsWith("Repository") || type.getSimpleName().endsWith("Store")
                        || type.getPackageName().equals("dev.digest.api.tenant"));
    }
}
