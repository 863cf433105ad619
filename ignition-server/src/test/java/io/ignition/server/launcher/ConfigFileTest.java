package io.ignition.server.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ignition.core.Plan;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ConfigFileTest {
  @Test
  void parse_documentedExample_resolvesEveryKeyToItsApp() throws Exception {
    ConfigFile file = ConfigFile.parse("ignition.json", "{\"apps\":["
        + "{\"id\":\"acme\",\"plan\":\"hobby\",\"keys\":[\"k-acme-1\",\"k-acme-2\"]},"
        + "{\"id\":\"globex\",\"plan\":\"pro\",\"keys\":[\"k-globex\"]}]}");

    assertThat(file.apps()).hasSize(2);
    assertThat(file.appsByKey().get("k-acme-2").id()).isEqualTo("acme");
    assertThat(file.appsByKey().get("k-acme-2").plan()).isEqualTo(Plan.HOBBY);
    assertThat(file.appsByKey().get("k-globex").plan()).isEqualTo(Plan.PRO);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "truncated      | {'apps':[           | not valid JSON",
      "trailing text  | {'apps':[]} x       | not valid JSON",
      "lenient syntax | {apps:[]}           | not valid JSON",
      "no apps        | {}                  | \"apps\" must be an array",
      "app not object | {'apps':[1]}        | apps[0]: must be a JSON object",
      "missing id     | {'apps':[{'plan':'pro','keys':['k']}]} | apps[0].id: must be",
      "unknown plan   | {'apps':[{'id':'a','plan':'gold','keys':['k']}]} | apps[0].plan: unknown",
      "no keys        | {'apps':[{'id':'a','plan':'pro','keys':[]}]} | apps[0].keys: must be",
      "blank key      | {'apps':[{'id':'a','plan':'pro','keys':[' ']}]} | apps[0].keys[0]",
      "shared key     | {'apps':[{'id':'a','plan':'pro','keys':['k']},"
          + "{'id':'b','plan':'pro','keys':['k']}]} | apps[1].keys[0]: key is used twice",
      "duplicate app  | {'apps':[{'id':'a','plan':'pro','keys':['k']},"
          + "{'id':'a','plan':'pro','keys':['j']}]} | apps[1].id: app \"a\" appears twice",
  })
  void parse_invalidFile_namesFileLocationAndRule(String name, String json, String expected) {
    assertThatThrownBy(() -> ConfigFile.parse("ignition.json", json.replace('\'', '"')))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("ignition.json: ")
        .hasMessageContaining(expected);
  }
}
