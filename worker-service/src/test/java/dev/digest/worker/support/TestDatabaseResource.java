package dev.digest.worker.support;

import dev.digest.common.testing.TestDatabase;
import io.quarkus.test.common.QuarkusTestResource;

/** Every test of this module runs against the test database (see {@link TestDatabase}). */
@QuarkusTestResource(TestDatabase.class)
public class TestDatabaseResource {
}
