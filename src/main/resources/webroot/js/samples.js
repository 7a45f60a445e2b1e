// The sample files (served from /samples/) and the starter dashboard built from them.
import {api, ApiError, message} from './api.js';

export const SAMPLES = [
  {file: 'weather.csv', name: 'weather', type: 'text/csv'},
  {file: 'sales.csv', name: 'sales', type: 'text/csv'},
  {file: 'events.ndjson', name: 'events', type: 'application/x-ndjson'},
];

/**
 * Uploads each sample through upload(file, fields) (which follows the job to its end) and then creates the
 * starter dashboard. A sample whose name is taken already is reused. Answers {datasets, dashboard, dashboardError}.
 */
export async function loadSamples(upload) {
  const ids = {};
  for (const sample of SAMPLES) {
    const response = await fetch(`/samples/${sample.file}`);
    if (!response.ok) throw new Error(`The sample ${sample.file} is missing on this server`);
    const file = new File([await response.blob()], sample.file, {type: sample.type});
    try {
      const job = await upload(file, {name: sample.name});
      if (job.status !== 'completed') throw new Error(`${sample.file}: ${job.error || 'failed'}`);
      ids[sample.name] = job.dataset_id;
    } catch (err) {
      if (!(err instanceof ApiError && err.status === 409)) throw err;
      ids[sample.name] = await existing(sample.name);
    }
  }
  try {
    const dashboard = await api('POST', '/api/v1/dashboards', starterDashboard(ids));
    return {datasets: ids, dashboard};
  } catch (err) {
    return {datasets: ids, dashboard: null, dashboardError: message(err)};
  }
}

async function existing(name) {
  const page = await api('GET', '/api/v1/data/datasets?limit=500');
  const found = page.items.find(d => d.name === name);
  if (!found) throw new Error(`A dataset named ${name} exists but is not listed`);
  return found.dataset_id;
}

/** Six visualizations over the samples, on the 12-column grid. */
export function starterDashboard(ids) {
  return {
    name: 'Starter: weather, sales and sensors',
    description: 'Built from the sample files; edit it, or make your own.',
    refresh_seconds: 0,
    visualizations: [
      {title: 'Daily high by city, 2024', chart_type: 'line', dataset_id: ids.weather,
        query: "SELECT \"date\", city, temp_max FROM weather WHERE \"date\" >= DATE '2024-01-01' ORDER BY \"date\"",
        config: {x: 'date', y: ['temp_max'], series: 'city'}, position: {x: 0, y: 0, width: 12, height: 4}},
      {title: 'Wet days by city', chart_type: 'bar', dataset_id: ids.weather,
        query: 'SELECT city, count(*) FILTER (WHERE precipitation > 0) AS wet_days FROM weather GROUP BY city ORDER BY city',
        config: {x: 'city', y: ['wet_days']}, position: {x: 0, y: 4, width: 6, height: 4}},
      {title: 'Weather types', chart_type: 'pie', dataset_id: ids.weather,
        query: 'SELECT weather, count(*) AS days FROM weather GROUP BY weather ORDER BY days DESC',
        config: {x: 'weather', y: ['days']}, position: {x: 6, y: 4, width: 6, height: 4}},
      {title: 'Revenue by category and region', chart_type: 'bar', dataset_id: ids.sales,
        query: 'SELECT category, region, round(sum(revenue), 2) AS revenue FROM sales GROUP BY category, region ORDER BY category, region',
        config: {x: 'category', y: ['revenue'], series: 'region', stacked: true}, position: {x: 0, y: 8, width: 8, height: 4}},
      {title: 'Revenue 2024', chart_type: 'number', dataset_id: ids.sales,
        query: 'SELECT round(sum(revenue), 2) AS revenue FROM sales',
        config: {y: ['revenue']}, position: {x: 8, y: 8, width: 4, height: 4}},
      {title: 'Sensor temperature', chart_type: 'line', dataset_id: ids.events,
        query: 'SELECT ts, device, temp FROM events ORDER BY ts',
        config: {x: 'ts', y: ['temp'], series: 'device'}, position: {x: 0, y: 12, width: 12, height: 4}},
    ],
  };
}
