package io.tributary.web;

import io.tributary.support.Api;
import io.tributary.support.Kafka;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/** Step 7 of the browser journeys: a dashboard's live chart moves as records are produced to its stream. */
final class LiveChart {

  private LiveChart() {
  }

  /**
   * Registers a stream under the name, saves a dashboard with a line chart bound to it, opens it in the browser
   * (logged in as the API's user), then produces records and sees the chart take them, temperature for sequence.
   */
  static void movesWithItsStream(Tab browser, Api api, String stream) throws IOException {
    String topic = stream + "-" + UUID.randomUUID();
    var created = api.post("/api/v1/streams", new JsonObject().put("name", stream).put("topic", topic));
    assertThat(created.statusCode()).as(created.bodyAsString()).isEqualTo(201);
    Kafka.produce(topic, 0, 5, i -> new JsonObject().put("seq", i).put("temp", 20 + i).encode());
    browser.waitFor(Duration.ofSeconds(60), () -> count(api, stream) == 5);
    JsonObject viz = new JsonObject().put("title", "Live temperature").put("chart_type", "line")
      .put("dataset_id", created.bodyAsJsonObject().getString("dataset_id"))
      .put("query", "SELECT seq, temp FROM " + stream + " ORDER BY seq")
      .put("config", new JsonObject().put("x", "seq").put("y", new JsonArray().add("temp")))
      .put("position", new JsonObject().put("x", 0).put("y", 0).put("width", 12).put("height", 4))
      .put("stream", new JsonObject().put("name", stream).put("window", 200).put("filters", new JsonObject()));
    var dashboard = api.post("/api/v1/dashboards", new JsonObject().put("name", "Live").put("visualizations", new JsonArray().add(viz)));
    assertThat(dashboard.statusCode()).as(dashboard.bodyAsString()).isEqualTo(201);
    browser.open("/dashboards/" + dashboard.bodyAsJsonObject().getString("dashboard_id"));
    browser.textOf("#live-status", "Live");
    String vizId = browser.waitFor(() -> (String) browser.js(
      "return document.querySelector('[data-chart-type=line]')?.getAttribute('data-viz-id');"));
    assertThat(seqs(browser, vizId)).containsExactly(0, 1, 2, 3, 4);
    browser.screenshot("11-live-before");

    Kafka.produce(topic, 5, 10, i -> new JsonObject().put("seq", i).put("temp", 20 + i).encode());
    browser.waitFor(() -> seqs(browser, vizId).contains(14));
    @SuppressWarnings("unchecked")
    List<List<Number>> data = (List<List<Number>>) browser.js("return window.tributaryCharts[arguments[0]].chart.data;", vizId);
    for (int i = 0; i < data.get(0).size(); i++) {
      assertThat(data.get(1).get(i).doubleValue()).as("temp at seq %s", data.get(0).get(i))
        .isEqualTo(20 + data.get(0).get(i).doubleValue());
    }
    assertThat(seqs(browser, vizId)).containsAll(List.of(5, 6, 7, 8, 9, 10, 11, 12, 13, 14));
    browser.screenshot("11-live-after");
  }

  private static long count(Api api, String stream) {
    var r = api.post("/api/v1/query/sql", new JsonObject().put("sql", "SELECT count(*) AS n FROM " + stream));
    return r.statusCode() == 200 ? r.bodyAsJsonObject().getJsonArray("results").getJsonObject(0).getLong("n") : -1;
  }

  @SuppressWarnings("unchecked")
  private static List<Integer> seqs(Tab browser, String vizId) {
    List<Number> xs = (List<Number>) browser.js("const c = window.tributaryCharts[arguments[0]];"
      + "return c ? c.chart.data[0] : [];", vizId);
    return xs.stream().map(Number::intValue).toList();
  }
}
