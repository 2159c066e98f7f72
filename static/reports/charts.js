// Draws the dashboard's and the reports page's charts from the JSON the page embeds
// (#report-chart-data, built by tenant_apps/reports/charts.py). Every figure is also on the
// page as text, so without this script (or Chart.js) nothing is lost but the pictures.
(() => {
  "use strict";

  // Custom dates only matter for the "Custom" period: hide them otherwise, and picking a date
  // switches the period to Custom.
  const setupRangeForm = (form) => {
    const preset = form.querySelector("select[name=preset]");
    if (!preset) return;
    const sync = () => form.classList.toggle("is-preset", preset.value !== "custom");
    preset.addEventListener("change", () => {
      sync();
      if (preset.value === "custom") {
        const first = form.querySelector("input[name=start]");
        if (first) first.focus();
      }
    });
    form.querySelectorAll("input[type=date]").forEach((input) => {
      input.addEventListener("change", () => { preset.value = "custom"; sync(); });
    });
    // Keep errors on custom dates visible even if the period says otherwise.
    if (!form.querySelector(".range-date.has-error")) sync();
  };

  const money = (currency) => {
    try {
      return new Intl.NumberFormat(undefined, { style: "currency", currency, maximumFractionDigits: 0 });
    } catch (e) {
      return new Intl.NumberFormat(undefined, { maximumFractionDigits: 0 });
    }
  };
  const numbers = (values) => values.map((v) => (v === null || v === undefined ? null : Number(v)));

  const css = getComputedStyle(document.documentElement);
  const color = (name, fallback) => (css.getPropertyValue(name) || fallback).trim();
  const BRAND = color("--brand-500", "#4f6ef7");
  const VIOLET = "#8b5cf6";
  const DANGER = color("--danger", "#dc2626");
  const WARN = "#f59e0b";
  const OK = color("--ok", "#0f9d58");
  const GRID = color("--line", "#e2e8f0");
  const INK = color("--ink-500", "#64748b");

  const baseOptions = () => ({
    responsive: true,
    maintainAspectRatio: false,
    animation: false,
    interaction: { mode: "index", intersect: false },
    plugins: { legend: { position: "bottom", labels: { boxWidth: 12, usePointStyle: true, color: INK } } },
    scales: {
      x: { grid: { display: false }, ticks: { color: INK, maxRotation: 0, autoSkip: true, autoSkipPadding: 12 } },
    },
  });

  const bookingsChart = (canvas, data) => {
    const fmt = money(data.currency);
    const options = baseOptions();
    options.scales.y = { beginAtZero: true, grid: { color: GRID }, ticks: { precision: 0, color: INK }, title: { display: true, text: "Bookings", color: INK } };
    options.scales.revenue = { position: "right", beginAtZero: true, grid: { drawOnChartArea: false }, ticks: { color: INK, callback: (v) => fmt.format(v) } };
    options.plugins.tooltip = { callbacks: { label: (ctx) => (ctx.dataset.yAxisID === "revenue" ? `Revenue: ${fmt.format(ctx.parsed.y)}` : `Bookings: ${ctx.parsed.y}`) } };
    return new window.Chart(canvas, {
      data: {
        labels: data.labels,
        datasets: [
          { type: "bar", label: "Bookings", data: data.bookings, backgroundColor: BRAND, borderRadius: 4, maxBarThickness: 28, yAxisID: "y", order: 2 },
          { type: "line", label: "Revenue", data: numbers(data.revenue), borderColor: VIOLET, backgroundColor: VIOLET, tension: 0.3, pointRadius: data.labels.length > 40 ? 0 : 2, yAxisID: "revenue", order: 1 },
        ],
      },
      options,
    });
  };

  const ratesChart = (canvas, data) => {
    const options = baseOptions();
    options.scales.y = { beginAtZero: true, suggestedMax: 20, grid: { color: GRID }, ticks: { color: INK, callback: (v) => `${v}%` } };
    options.spanGaps = true;
    options.plugins.tooltip = { callbacks: { label: (ctx) => `${ctx.dataset.label}: ${ctx.parsed.y === null ? "–" : `${ctx.parsed.y}%`}` } };
    return new window.Chart(canvas, {
      type: "line",
      data: {
        labels: data.labels,
        datasets: [
          { label: "Cancellation rate", data: numbers(data.cancellationRate), borderColor: WARN, backgroundColor: WARN, tension: 0.3, pointRadius: 2 },
          { label: "No-show rate", data: numbers(data.noShowRate), borderColor: DANGER, backgroundColor: DANGER, tension: 0.3, pointRadius: 2 },
        ],
      },
      options,
    });
  };

  const customersChart = (canvas, data) => {
    const options = baseOptions();
    options.scales.x.stacked = true;
    options.scales.y = { stacked: true, beginAtZero: true, grid: { color: GRID }, ticks: { precision: 0, color: INK } };
    return new window.Chart(canvas, {
      type: "bar",
      data: {
        labels: data.labels,
        datasets: [
          { label: "New", data: data.newCustomers, backgroundColor: OK, borderRadius: 3, maxBarThickness: 28 },
          { label: "Returning", data: data.returningCustomers, backgroundColor: BRAND, borderRadius: 3, maxBarThickness: 28 },
        ],
      },
      options,
    });
  };

  document.addEventListener("DOMContentLoaded", () => {
    document.querySelectorAll("[data-range-form]").forEach(setupRangeForm);
    const source = document.getElementById("report-chart-data");
    if (!source || !window.Chart) return;
    const data = JSON.parse(source.textContent);
    const draw = [
      ["chart-bookings", bookingsChart],
      ["chart-rates", ratesChart],
      ["chart-customers", customersChart],
    ];
    draw.forEach(([id, build]) => {
      const canvas = document.getElementById(id);
      if (canvas) build(canvas, data);
    });
  });
})();
