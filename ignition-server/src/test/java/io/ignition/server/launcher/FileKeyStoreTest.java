package io.ignition.server.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.ignition.core.App;
import io.ignition.core.Plan;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileKeyStoreTest {
  private static final String CONFIG = """
      {"adminToken": "s3cret",
       "plans": {"tiny": {"dailyRequests": 20, "connections": 3}},
       "apps": [
         {"id": "acme", "plan": "tiny", "keys": ["k1", "k2"], "owner": "ops@acme.test"},
         {"id": "globex", "plan": "pro", "keys": ["k3"]}]}
      """;

  @TempDir
  Path dir;
  private Path file;

  @BeforeEach
  void writeConfig() throws IOException {
    file = dir.resolve("ignition.json");
    Files.writeString(file, CONFIG);
  }

  @Test
  void open_validFile_resolvesKeysPlansAndToken() throws Exception {
    FileKeyStore store = FileKeyStore.open(file);

    assertThat(store.resolve("k2").id()).isEqualTo("acme");
    assertThat(store.resolve("k2").plan()).isEqualTo(new Plan("tiny", 20, 3));
    assertThat(store.plan("pro")).isEqualTo(Plan.PRO);
    assertThat(store.apps()).extracting(App::id).containsExactlyInAnyOrder("acme", "globex");
    assertThat(store.adminToken()).isEqualTo("s3cret");
  }

  @Test
  void open_invalidFile_throwsWithLocatedMessage() throws Exception {
    Files.writeString(file, "{\"apps\":[{\"id\":\"a\",\"plan\":\"gold\",\"keys\":[]}]}");

    assertThatThrownBy(() -> FileKeyStore.open(file))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("ignition.json: apps[0].plan: unknown plan \"gold\"");
  }

  @Test
  void createKey_savedToTheFile_resolvesAfterReopening() throws Exception {
    String key = FileKeyStore.open(file).createKey("globex");

    FileKeyStore reopened = FileKeyStore.open(file);

    assertThat(key).startsWith("ik_");
    assertThat(reopened.resolve(key).id()).isEqualTo("globex");
    assertThat(reopened.resolve("k3").id()).isEqualTo("globex");
  }

  @Test
  void revokeKey_savedToTheFile_staysRevokedAfterReopening() throws Exception {
    FileKeyStore store = FileKeyStore.open(file);

    boolean revoked = store.revokeKey("k1");
    FileKeyStore reopened = FileKeyStore.open(file);

    assertThat(revoked).isTrue();
    assertThat(store.resolve("k1")).isNull();
    assertThat(reopened.resolve("k1")).isNull();
    assertThat(reopened.resolve("k2").id()).isEqualTo("acme");
    assertThat(store.revokeKey("k1")).as("revoking twice").isFalse();
  }

  @Test
  void revokeKey_lastKeyOfApp_keepsTheAppAcrossReopening() throws Exception {
    FileKeyStore store = FileKeyStore.open(file);

    store.revokeKey("k3");
    FileKeyStore reopened = FileKeyStore.open(file);

    assertThat(reopened.app("globex")).isNotNull();
    assertThat(reopened.resolve("k3")).isNull();
    assertThat(reopened.resolve(reopened.createKey("globex")).id()).isEqualTo("globex");
  }

  @Test
  void changePlan_savedToTheFile_appliesInPlaceAndAfterReopening() throws Exception {
    FileKeyStore store = FileKeyStore.open(file);
    App acme = store.app("acme");

    store.changePlan("acme", Plan.PRO);
    FileKeyStore reopened = FileKeyStore.open(file);

    assertThat(acme.plan()).isEqualTo(Plan.PRO);
    assertThat(reopened.app("acme").plan()).isEqualTo(Plan.PRO);
  }

  @Test
  void changePlan_unknownAppOrForeignPlan_isRefusedAndChangesNothing() throws Exception {
    FileKeyStore store = FileKeyStore.open(file);
    String before = Files.readString(file);

    assertThatThrownBy(() -> store.changePlan("nope", Plan.PRO))
        .isInstanceOf(NoSuchElementException.class).hasMessageContaining("nope");
    assertThatThrownBy(() -> store.changePlan("acme", new Plan("tiny", 1, 1)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("tiny");
    assertThatThrownBy(() -> store.createKey("nope"))
        .isInstanceOf(NoSuchElementException.class);
    assertThat(Files.readString(file)).isEqualTo(before);
    assertThat(store.app("acme").plan().name()).isEqualTo("tiny");
  }

  @Test
  void save_keepsTokenPlansAndUnknownFieldsAsTheyWere() throws Exception {
    FileKeyStore store = FileKeyStore.open(file);

    store.changePlan("globex", Plan.HOBBY);
    JsonObject saved = JsonParser.parseString(Files.readString(file)).getAsJsonObject();
    JsonObject original = JsonParser.parseString(CONFIG).getAsJsonObject();

    assertThat(saved.get("adminToken")).isEqualTo(original.get("adminToken"));
    assertThat(saved.get("plans")).isEqualTo(original.get("plans"));
    JsonObject acme = saved.getAsJsonArray("apps").get(0).getAsJsonObject();
    assertThat(acme.get("owner").getAsString()).isEqualTo("ops@acme.test");
    assertThat(Files.readString(file)).as("pretty-printed").contains("\n  \"apps\": [");
  }

  @Test
  void save_manyChanges_leavesNoTemporaryFileBehind() throws Exception {
    FileKeyStore store = FileKeyStore.open(file);

    for (int i = 0; i < 5; i++) {
      store.revokeKey(store.createKey("acme"));
      store.changePlan("acme", i % 2 == 0 ? Plan.PRO : Plan.HOBBY);
    }

    try (Stream<Path> files = Files.list(dir)) {
      assertThat(files).containsExactly(file);
    }
  }

  @Test
  void createKey_concurrently_savesEveryKey() throws Exception {
    FileKeyStore store = FileKeyStore.open(file);
    ExecutorService pool = Executors.newFixedThreadPool(4);
    List<Future<String>> created = new ArrayList<>();
    try {
      for (int i = 0; i < 40; i++) {
        String app = i % 2 == 0 ? "acme" : "globex";
        created.add(pool.submit((Callable<String>) () -> store.createKey(app)));
      }
      FileKeyStore reopened = waitAndReopen(created);

      for (Future<String> key : created) {
        assertThat(reopened.resolve(key.get())).as("key %s", key.get()).isNotNull();
      }
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void save_fileCannotBeReplaced_throwsAndChangesNothing() throws Exception {
    FileKeyStore store = FileKeyStore.open(file);
    // A non-empty directory where the file was cannot be replaced by a rename.
    Files.delete(file);
    Files.createDirectory(file);
    Files.writeString(file.resolve("keep"), "x");

    assertThatThrownBy(() -> store.revokeKey("k1"))
        .isInstanceOf(UncheckedIOException.class).hasMessageContaining("cannot save");
    assertThatThrownBy(() -> store.changePlan("acme", Plan.PRO))
        .isInstanceOf(UncheckedIOException.class);

    assertThat(store.resolve("k1").id()).isEqualTo("acme");
    assertThat(store.app("acme").plan().name()).isEqualTo("tiny");
    try (Stream<Path> files = Files.list(dir)) {
      assertThat(files).as("no temporary file left").containsExactly(file);
    }
  }

  @Test
  void reload_changedFile_keepsAppInstancesAndUpdatesPlanInPlace() throws Exception {
    FileKeyStore store = FileKeyStore.open(file);
    App acme = store.app("acme");
    Files.writeString(file, "{\"apps\":["
        + "{\"id\":\"acme\",\"plan\":\"pro\",\"keys\":[\"k1\",\"k9\"]},"
        + "{\"id\":\"initech\",\"plan\":\"hobby\",\"keys\":[\"k4\"]}]}");

    store.reload();

    assertThat(store.resolve("k9")).isSameAs(acme);
    assertThat(acme.plan()).isEqualTo(Plan.PRO);
    assertThat(store.resolve("k2")).isNull();
    assertThat(store.resolve("k3")).as("globex is gone").isNull();
    assertThat(store.app("globex")).isNull();
    assertThat(store.resolve("k4").id()).isEqualTo("initech");
    assertThat(store.plan("tiny")).as("the plans section is gone too").isNull();
  }

  @Test
  void reload_invalidFile_throwsAndLeavesStoreUnchanged() throws Exception {
    FileKeyStore store = FileKeyStore.open(file);
    App acme = store.app("acme");
    Files.writeString(file, "{\"plans\":{\"tiny\":{\"dailyRequests\":20,\"connections\":-5}},"
        + "\"apps\":[{\"id\":\"acme\",\"plan\":\"pro\",\"keys\":[\"k7\"]}]}");

    assertThatThrownBy(store::reload)
        .isInstanceOf(IOException.class)
        .hasMessageContaining("ignition.json: plans.tiny.connections: must be -1 or a whole "
            + "number >= 0");

    assertThat(store.resolve("k1")).isSameAs(acme);
    assertThat(store.resolve("k7")).isNull();
    assertThat(acme.plan().name()).isEqualTo("tiny");
    assertThat(store.plan("tiny")).isEqualTo(new Plan("tiny", 20, 3));
  }

  @Test
  void changeAfterReload_savesTheReloadedContent() throws Exception {
    FileKeyStore store = FileKeyStore.open(file);
    Files.writeString(file, "{\"adminToken\":\"t2\",\"apps\":["
        + "{\"id\":\"acme\",\"plan\":\"hobby\",\"keys\":[\"k8\"]}]}");
    store.reload();

    String key = store.createKey("acme");
    FileKeyStore reopened = FileKeyStore.open(file);

    assertThat(reopened.adminToken()).isEqualTo("t2");
    assertThat(reopened.resolve("k8").id()).isEqualTo("acme");
    assertThat(reopened.resolve(key).id()).isEqualTo("acme");
    assertThat(reopened.resolve("k1")).isNull();
  }

  private FileKeyStore waitAndReopen(List<Future<String>> created) throws Exception {
    for (Future<String> key : created) {
      key.get();
    }
    return FileKeyStore.open(file);
  }
}
