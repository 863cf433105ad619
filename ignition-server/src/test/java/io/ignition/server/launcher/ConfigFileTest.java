package io.ignition.server.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ignition.core.App;
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

  @Test
  void parse_plansSection_replacesAndAddsToTheDefaults() throws Exception {
    ConfigFile file = ConfigFile.parse("ignition.json", "{\"plans\":{"
        + "\"hobby\":{\"dailyRequests\":50,\"connections\":5},"
        + "\"tiny\":{\"dailyRequests\":20,\"connections\":3},"
        + "\"wide\":{\"dailyRequests\":-1,\"connections\":-1}},"
        + "\"apps\":[{\"id\":\"acme\",\"plan\":\"tiny\",\"keys\":[\"k1\"]}]}");

    assertThat(file.plans()).containsOnlyKeys("hobby", "pro", "enterprise", "tiny", "wide");
    assertThat(file.plans().get("hobby")).isEqualTo(new Plan("hobby", 50, 5));
    assertThat(file.plans().get("pro")).isEqualTo(Plan.PRO);
    assertThat(file.plans().get("enterprise")).isEqualTo(Plan.ENTERPRISE);
    assertThat(file.plans().get("wide").unlimited()).isTrue();
    assertThat(file.appsByKey().get("k1").plan()).isEqualTo(new Plan("tiny", 20, 3));
  }

  @Test
  void parse_noPlansSection_hasTheDefaultPlans() throws Exception {
    ConfigFile file = ConfigFile.parse("ignition.json", "{\"apps\":[]}");

    assertThat(file.plans().values()).containsExactly(Plan.HOBBY, Plan.PRO, Plan.ENTERPRISE);
  }

  @Test
  void parse_adminToken_isKeptAndOptional() throws Exception {
    ConfigFile with = ConfigFile.parse("a.json", "{\"adminToken\":\"s3cret\",\"apps\":[]}");
    ConfigFile without = ConfigFile.parse("b.json", "{\"apps\":[]}");

    assertThat(with.adminToken()).isEqualTo("s3cret");
    assertThat(without.adminToken()).isNull();
  }

  @Test
  void parse_appWithEmptyKeys_isKnownWithoutKeys() throws Exception {
    ConfigFile file = ConfigFile.parse("ignition.json",
        "{\"apps\":[{\"id\":\"acme\",\"plan\":\"pro\",\"keys\":[]}]}");

    assertThat(file.apps()).extracting(App::id).containsExactly("acme");
    assertThat(file.appsByKey()).isEmpty();
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
      "no keys        | {'apps':[{'id':'a','plan':'pro'}]} | apps[0].keys: must be an array",
      "blank key      | {'apps':[{'id':'a','plan':'pro','keys':[' ']}]} | apps[0].keys[0]",
      "shared key     | {'apps':[{'id':'a','plan':'pro','keys':['k']},"
          + "{'id':'b','plan':'pro','keys':['k']}]} | apps[1].keys[0]: key is used twice",
      "duplicate app  | {'apps':[{'id':'a','plan':'pro','keys':['k']},"
          + "{'id':'a','plan':'pro','keys':['j']}]} | apps[1].id: app \"a\" appears twice",
      "plans array    | {'plans':[],'apps':[]} | plans: must be a JSON object",
      "plan not object | {'plans':{'tiny':3},'apps':[]} | plans.tiny: must be a JSON object",
      "blank plan name | {'plans':{' ':{'dailyRequests':1,'connections':1}},'apps':[]}"
          + " | plans. : a plan name must not be blank",
      "no daily limit | {'plans':{'tiny':{'connections':3}},'apps':[]}"
          + " | plans.tiny.dailyRequests: must be -1 or a whole number >= 0",
      "below -1       | {'plans':{'tiny':{'dailyRequests':20,'connections':-2}},'apps':[]}"
          + " | plans.tiny.connections: must be -1 or a whole number >= 0, was -2",
      "fraction       | {'plans':{'tiny':{'dailyRequests':2.5,'connections':3}},'apps':[]}"
          + " | plans.tiny.dailyRequests: must be -1 or a whole number >= 0, was 2.5",
      "string limit   | {'plans':{'tiny':{'dailyRequests':'20','connections':3}},'apps':[]}"
          + " | plans.tiny.dailyRequests: must be -1 or a whole number >= 0",
      "too many conns | {'plans':{'tiny':{'dailyRequests':1,'connections':2147483648}},'apps':[]}"
          + " | plans.tiny.connections: must be at most 2147483647, was 2147483648",
      "huge daily     | {'plans':{'tiny':{'dailyRequests':1e13,'connections':1}},'apps':[]}"
          + " | plans.tiny.dailyRequests: must be at most 1000000000000",
      "plan not known | {'plans':{'tiny':{'dailyRequests':1,'connections':1}},"
          + "'apps':[{'id':'a','plan':'gold','keys':[]}]}"
          + " | apps[0].plan: unknown plan \"gold\" (known: enterprise, hobby, pro, tiny)",
      "blank token    | {'adminToken':' ','apps':[]} | adminToken: must be a non-empty string",
      "number token   | {'adminToken':42,'apps':[]} | adminToken: must be a non-empty string",
  })
  void parse_invalidFile_namesFileLocationAndRule(String name, String json, String expected) {
    assertThatThrownBy(() -> ConfigFile.parse("ignition.json", json.replace('\'', '"')))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("ignition.json: ")
        .hasMessageContaining(expected);
  }
}
