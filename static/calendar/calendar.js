// The owner app's live calendar (templates/scheduling/calendar.html).
//
// REST is the truth: appointments are read from and changed through /api/v1/appointments/,
// shading from the page's own /app/calendar/shading/, group classes from /app/calendar/classes/
// (read-only here: they are run on their own pages). The websocket only says that something
// changed; a missed message (a gap in `seq`) or a dropped connection refetches the visible range.
(function () {
  "use strict";
  const { StudioZone, wallOfCalendarDate, addMinutes, pad } = window.CalendarZone;

  const root = document.getElementById("calendar-page");
  const configNode = document.getElementById("calendar-config");
  const mount = document.getElementById("calendar");
  if (!root || !configNode || !mount || !window.EventCalendar) return;

  const cfg = JSON.parse(configNode.textContent);
  const zone = StudioZone(cfg.timezone);
  const csrf = root.dataset.csrf;
  const staffById = new Map(cfg.staff.map((s) => [s.id, s]));
  const serviceById = new Map(cfg.services.map((s) => [s.id, s]));
  const statusLabel = Object.fromEntries(cfg.statuses.map((s) => [s.value, s.label]));
  const MOVABLE = new Set(["pending", "confirmed"]);
  const TRANSITIONS = {
    pending: ["confirmed", "rejected", "cancelled"],
    confirmed: ["completed", "no_show", "cancelled"],
  };
  const ACTION_LABEL = {
    confirmed: "Confirm", rejected: "Reject", cancelled: "Cancel appointment",
    completed: "Mark completed", no_show: "Mark no-show",
  };
  const NEEDS_REASON = new Set(["rejected", "cancelled"]);
  const PHONE = window.matchMedia("(max-width: 639px)");

  // --- small helpers ---------------------------------------------------------------------

  function h(tag, attrs, ...children) {
    const el = document.createElement(tag);
    for (const [key, value] of Object.entries(attrs || {})) {
      if (value === null || value === undefined || value === false) continue;
      if (key === "class") el.className = value;
      else if (key === "text") el.textContent = value;
      else if (key.startsWith("on")) el.addEventListener(key.slice(2), value);
      else el.setAttribute(key, value === true ? "" : value);
    }
    for (const child of children.flat()) {
      if (child === null || child === undefined || child === false) continue;
      el.append(child instanceof Node ? child : document.createTextNode(String(child)));
    }
    return el;
  }

  const dateFmt = new Intl.DateTimeFormat("en-GB", {
    timeZone: cfg.timezone, weekday: "short", day: "numeric", month: "short", year: "numeric",
  });
  const timeFmt = new Intl.DateTimeFormat("en-GB", {
    timeZone: cfg.timezone, hour: "2-digit", minute: "2-digit",
  });
  const stampFmt = new Intl.DateTimeFormat("en-GB", {
    timeZone: cfg.timezone, day: "numeric", month: "short", hour: "2-digit", minute: "2-digit",
  });
  const dayMonthFmt = new Intl.DateTimeFormat("en-GB", { timeZone: cfg.timezone, day: "numeric", month: "short" });
  const yearFmt = new Intl.DateTimeFormat("en-GB", { timeZone: cfg.timezone, year: "numeric" });
  // "12 Jan" this year, "12 Jan 2027" otherwise (in the studio's zone).
  const shortDate = (iso) => {
    const moment = new Date(iso);
    const sameYear = yearFmt.format(moment) === yearFmt.format(new Date());
    return sameYear ? dayMonthFmt.format(moment) : `${dayMonthFmt.format(moment)} ${yearFmt.format(moment)}`;
  };
  const creditsText = (n) => `${n} credit${n === 1 ? "" : "s"}`;
  const when = (start, end) =>
    `${dateFmt.format(new Date(start))}, ${timeFmt.format(new Date(start))}–${timeFmt.format(new Date(end))}`;

  function readableText(hex) {
    const m = /^#?([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(hex || "");
    if (!m) return "#fff";
    const [r, g, b] = m.slice(1).map((x) => parseInt(x, 16) / 255);
    const lum = 0.2126 * r + 0.7152 * g + 0.0722 * b;
    return lum > 0.6 ? "#0f172a" : "#fff";
  }

  const toasts = document.querySelector("[data-cal-toasts]");
  function toast(message, kind) {
    const el = h("div", { class: `toast${kind === "error" ? " toast-error" : ""}`, role: kind === "error" ? "alert" : null, text: message });
    toasts.append(el);
    setTimeout(() => { el.style.transition = "opacity .4s"; el.style.opacity = "0"; setTimeout(() => el.remove(), 450); }, kind === "error" ? 6500 : 4000);
  }

  class ApiError extends Error {
    constructor(status, problem) {
      super((problem && (problem.detail || problem.title)) || `The server answered ${status}.`);
      this.status = status;
      this.code = (problem && problem.code) || "";
      this.errors = (problem && problem.errors) || {};
    }
  }

  async function api(method, url, body, headers) {
    let response;
    try {
      response = await fetch(url, {
        method,
        credentials: "same-origin",
        headers: {
          Accept: "application/json",
          ...(body !== undefined ? { "Content-Type": "application/json" } : {}),
          ...(method !== "GET" ? { "X-CSRFToken": csrf } : {}),
          ...(headers || {}),
        },
        body: body !== undefined ? JSON.stringify(body) : undefined,
      });
    } catch (err) {
      throw new ApiError(0, { detail: "The studio can't be reached. Check your connection and try again." });
    }
    const type = response.headers.get("Content-Type") || "";
    const data = type.includes("json") ? await response.json() : null;
    if (response.redirected && !type.includes("json")) {
      throw new ApiError(401, { detail: "Your session has ended. Reload the page to sign in again." });
    }
    if (!response.ok) throw new ApiError(response.status, data);
    return data;
  }

  function firstMessage(err) {
    const messages = Object.values(err.errors || {}).flat();
    return messages.length && err.code === "validation_error" ? messages[0] : err.message;
  }

  // --- state -----------------------------------------------------------------------------

  const storeKey = `calendar:${location.host}`;
  const saved = (() => { try { return JSON.parse(localStorage.getItem(storeKey) || "{}"); } catch (e) { return {}; } })();
  const visibleStaffIds = cfg.staff.map((s) => s.id);
  // ?view=day|week|month|agenda&date=YYYY-MM-DD link to a view of a date (from emails, lists).
  const query = new URLSearchParams(location.search);
  // "resources": a column per room or equipment pool (owners and managers, when there are any).
  const VIEWS = ["day", "week", "month", "agenda", ...(cfg.resources && cfg.resources.length ? ["resources"] : [])];
  const linkedView = VIEWS.includes(query.get("view")) ? query.get("view") : null;
  const linkedDate = /^\d{4}-\d\d-\d\d$/.test(query.get("date") || "") ? query.get("date") : null;
  const state = {
    view: linkedView || (saved.view && VIEWS.includes(saved.view) && !PHONE.matches ? saved.view : (PHONE.matches ? "agenda" : "day")),
    staff: cfg.canManage ? (staffById.has(saved.staff) ? saved.staff : null) : cfg.ownStaffId,
    service: serviceById.has(saved.service) ? saved.service : null,
    statuses: new Set(Array.isArray(saved.statuses) ? saved.statuses : cfg.defaultStatuses),
    colorBy: saved.colorBy === "staff" ? "staff" : "service",
    showClasses: saved.showClasses !== false,
    appointments: new Map(),
    classes: new Map(), // class sessions of the visible range, by id (also when not drawn)
    reservations: [],
    shading: null,
    range: null, // {start, end} wall-clock strings of the visible range
    loadSeq: 0,
    classSeq: 0,
    flash: new Set(),
    flashClasses: new Set(),
  };
  function persist() {
    try {
      localStorage.setItem(storeKey, JSON.stringify({
        view: state.view, staff: state.staff, service: state.service,
        statuses: [...state.statuses], colorBy: state.colorBy, showClasses: state.showClasses,
      }));
    } catch (e) { /* private mode: preferences just aren't kept */ }
  }

  const mayChange = (a) => cfg.canManage || (cfg.ownStaffId !== null && a.staff.id === cfg.ownStaffId);
  const shown = (a) =>
    state.statuses.has(a.status) &&
    (state.service === null || a.service.id === state.service) &&
    (state.staff === null || a.staff.id === state.staff) &&
    (cfg.canManage || a.staff.id === cfg.ownStaffId);

  // Classes follow the staff filter, never the service or status ones: a class holds its
  // instructor's time whatever is filtered. A cancelled class holds nothing: like a cancelled
  // appointment it shows (struck through) only while "Cancelled" is ticked.
  const classShown = (c) =>
    state.showClasses &&
    staffById.has(c.instructor.id) &&
    (c.status !== "cancelled" || state.statuses.has("cancelled")) &&
    (state.staff === null || c.instructor.id === state.staff) &&
    (cfg.canManage || c.instructor.id === cfg.ownStaffId);

  // The scheduled class `staffId` teaches over [startWall, endWall), if any (wall-clock strings).
  function classAt(staffId, startWall, endWall) {
    if (staffId === null || staffId === undefined) return null;
    for (const c of state.classes.values()) {
      if (c.status === "scheduled" && c.instructor.id === staffId &&
          zone.wall(c.start) < endWall && zone.wall(c.end) > startWall) return c;
    }
    return null;
  }
  const classBusyText = (c) =>
    `${c.instructor.name} teaches ${c.class_type.name} from ${timeFmt.format(new Date(c.start))} to ${timeFmt.format(new Date(c.end))}. Pick another time.`;
  const seatsText = (c) =>
    `${c.taken}/${c.capacity}${c.waitlisted ? ` · ${c.waitlisted} waiting` : ""}`;

  function columns() {
    return cfg.staff.filter((s) => state.staff === null || s.id === state.staff);
  }

  const resourcesMode = () => state.view === "resources";

  function calendarView() {
    if (resourcesMode()) return "resourceTimeGridDay";
    if (state.view === "month") return "dayGridMonth";
    if (state.view === "agenda") return "listWeek";
    if (state.view === "week") {
      // A column per person and day stays readable for a few people; beyond that the week
      // shows everyone in one column per day, told apart by colour.
      const people = columns().length;
      return people > 1 && people <= 3 ? "resourceTimeGridWeek" : "timeGridWeek";
    }
    return "resourceTimeGridDay";
  }
  const isResourceView = () => calendarView().startsWith("resource");

  // --- events ----------------------------------------------------------------------------

  function eventOf(a) {
    const color = state.colorBy === "staff" ? a.staff.color : a.service.color;
    const movable = MOVABLE.has(a.status) && mayChange(a);
    return {
      id: `a${a.id}`,
      resourceIds: [String(a.staff.id)],
      start: zone.wall(a.start),
      end: zone.wall(a.end),
      title: `${a.customer.full_name} · ${a.service.name}`,
      backgroundColor: color,
      textColor: readableText(color),
      classNames: ["cal-appt", `status-${a.status}`, ...(state.flash.has(a.id) ? ["cal-flash"] : [])],
      startEditable: movable,
      durationEditable: movable,
      extendedProps: { appointmentId: a.id },
    };
  }

  function shadingEvents() {
    const data = state.shading;
    if (!data) return [];
    const view = calendarView();
    if (view === "dayGridMonth" || view === "listWeek") return [];
    const background = (span, cls, resourceId, title) => ({
      id: `bg-${cls}-${resourceId || "all"}-${span.start}`,
      start: zone.wall(span.start),
      end: zone.wall(span.end),
      display: "background",
      classNames: [cls],
      title: title || "",
      ...(resourceId ? { resourceIds: [String(resourceId)] } : {}),
    });
    const out = [];
    if (isResourceView()) {
      const ids = new Set(columns().map((s) => s.id));
      for (const member of data.staff) {
        if (!ids.has(member.id)) continue;
        member.closed.forEach((span) => out.push(background(span, "cal-closed", member.id)));
        member.time_off.forEach((span) => out.push(background(span, "cal-timeoff", member.id, span.reason || "Time off")));
      }
    } else if (state.staff !== null || cfg.staff.length === 1) {
      const member = data.staff.find((m) => m.id === (state.staff ?? cfg.staff[0].id));
      if (member) {
        member.closed.forEach((span) => out.push(background(span, "cal-closed")));
        member.time_off.forEach((span) => out.push(background(span, "cal-timeoff", null, span.reason || "Time off")));
      }
    } else {
      data.nobody_works.forEach((span) => out.push(background(span, "cal-closed")));
    }
    return out;
  }

  // A group class: in its instructor's column, in its type's colour, outlined and striped so it
  // never reads as an appointment; not draggable (it is moved on its own page).
  function classEventOf(c) {
    const color = c.class_type.color;
    return {
      id: `c${c.id}`,
      resourceIds: [String(c.instructor.id)],
      start: zone.wall(c.start),
      end: zone.wall(c.end),
      title: `${c.class_type.name} · ${seatsText(c)}`,
      backgroundColor: `color-mix(in srgb, ${color} 16%, #fff)`,
      textColor: "#0f172a",
      styles: [`--cls: ${color}`],
      classNames: ["cal-class", `class-${c.status}`, ...(c.taken >= c.capacity ? ["class-full"] : []),
        ...(state.flashClasses.has(c.id) ? ["cal-flash"] : [])],
      editable: false,
      startEditable: false,
      durationEditable: false,
      extendedProps: { classSessionId: c.id },
    };
  }

  function classEvents() {
    return [...state.classes.values()].filter(classShown).map(classEventOf);
  }

  // One unit of a room or equipment pool held by an appointment or a class; read-only here.
  function reservationEventOf(r) {
    const resource = cfg.resources.find((x) => x.id === r.resource);
    const color = resource ? resource.color : "#8a6ef7";
    return {
      id: `r${r.id}`,
      resourceIds: [`r${r.resource}`],
      start: zone.wall(r.start),
      end: zone.wall(r.end),
      title: r.holder.title,
      backgroundColor: color,
      textColor: readableText(color),
      classNames: ["cal-appt", "cal-reservation"],
      startEditable: false,
      durationEditable: false,
      extendedProps: { reservation: r },
    };
  }

  function render() {
    if (resourcesMode()) {
      ec.setOption("events", state.reservations.map(reservationEventOf));
      return;
    }
    const events = [...state.appointments.values()].filter(shown).map(eventOf);
    ec.setOption("events", [...shadingEvents(), ...classEvents(), ...events]);
  }

  function flash(id) {
    state.flash.add(id);
    setTimeout(() => {
      state.flash.delete(id);
      const a = state.appointments.get(id);
      const current = ec.getEventById(`a${id}`);
      if (a && current) ec.updateEvent(eventOf(a));
    }, 2000);
  }

  // Put one appointment (from the API) on the calendar, or take it off when it no longer
  // belongs there (filtered out, or outside the visible range).
  function upsert(a, { highlight } = { highlight: false }) {
    state.appointments.set(a.id, a);
    if (resourcesMode()) { load(); return; } // what it holds is read again
    if (highlight) flash(a.id);
    const inRange = state.range && zone.wall(a.start) < state.range.end && zone.wall(a.end) > state.range.start;
    const existing = ec.getEventById(`a${a.id}`);
    if (!shown(a) || !inRange) {
      if (existing) ec.removeEventById(`a${a.id}`);
      return;
    }
    if (existing) ec.updateEvent(eventOf(a));
    else ec.addEvent(eventOf(a));
    announce(a);
  }

  const liveRegion = h("div", { class: "sr-only", "aria-live": "polite" });
  root.append(liveRegion);
  function announce(a) {
    liveRegion.textContent = `${a.customer.full_name}, ${a.service.name}: ${when(a.start, a.end)}, ${statusLabel[a.status] || a.status}.`;
  }

  async function fetchAppointments(range) {
    const params = new URLSearchParams({ start: range.start, end: range.end, limit: "1000", ordering: "start" });
    if (state.staff !== null) params.set("staff", state.staff);
    if (!cfg.canManage && cfg.ownStaffId !== null) params.set("staff", cfg.ownStaffId);
    if (state.service !== null) params.set("service", state.service);
    for (const status of state.statuses) params.append("status", status);
    let url = `${cfg.urls.appointments}?${params}`;
    const rows = [];
    while (url) {
      const page = await api("GET", url);
      rows.push(...page.results);
      url = page.next ? new URL(page.next, location.href).pathname + new URL(page.next, location.href).search : null;
    }
    return rows;
  }

  async function fetchShading(range) {
    const params = new URLSearchParams({ start: range.start, end: range.end });
    if (state.staff !== null) params.set("staff", state.staff);
    return api("GET", `${cfg.urls.shading}?${params}`);
  }

  // Time off changed: only the shading needs reading again.
  async function loadShading() {
    if (!state.range) return;
    const seq = state.loadSeq;
    try {
      const shading = await fetchShading(state.range);
      if (seq !== state.loadSeq) return; // a full load is under way and brings its own
      state.shading = shading;
      render();
    } catch (err) { load(); }
  }

  async function fetchClasses(range) {
    const params = new URLSearchParams({ start: range.start, end: range.end });
    if (state.staff !== null) params.set("staff", state.staff);
    return (await api("GET", `${cfg.urls.classes}?${params}`)).sessions;
  }

  function flashClass(id) {
    state.flashClasses.add(id);
    setTimeout(() => {
      state.flashClasses.delete(id);
      const c = state.classes.get(id);
      if (c && ec.getEventById(`c${id}`)) ec.updateEvent(classEventOf(c));
    }, 2000);
  }

  // A class changed (live): read the range's classes again and redraw them, the changed one
  // highlighted. Appointments and shading stay as they are.
  async function loadClasses(highlightId) {
    if (!state.range || resourcesMode()) return;
    const seq = state.loadSeq;
    const classSeq = ++state.classSeq;
    try {
      const sessions = await fetchClasses(state.range);
      // A full load under way brings its own; a later class read wins over this one.
      if (seq !== state.loadSeq || classSeq !== state.classSeq) return;
      state.classes = new Map(sessions.map((c) => [c.id, c]));
      if (highlightId && state.classes.has(highlightId)) state.flashClasses.add(highlightId);
      for (const event of ec.getEvents()) {
        if (event.extendedProps.classSessionId) ec.removeEventById(event.id);
      }
      classEvents().forEach((event) => ec.addEvent(event));
      if (highlightId && state.classes.has(highlightId)) {
        flashClass(highlightId);
        const c = state.classes.get(highlightId);
        liveRegion.textContent = `${c.class_type.name} with ${c.instructor.name}, ${when(c.start, c.end)}: ${c.taken} of ${c.capacity} booked${c.waitlisted ? `, ${c.waitlisted} waiting` : ""}.`;
      }
    } catch (err) { load(); }
  }

  async function fetchReservations(range) {
    const params = new URLSearchParams({ start: range.start, end: range.end });
    return (await api("GET", `${cfg.urls.reservations}?${params}`)).reservations;
  }

  // Load the visible range; the last request wins when the user clicks through quickly.
  async function load() {
    if (!state.range) return;
    const seq = ++state.loadSeq;
    const range = state.range;
    mount.setAttribute("aria-busy", "true");
    if (resourcesMode()) {
      try {
        const reservations = await fetchReservations(range);
        if (seq !== state.loadSeq) return;
        state.reservations = reservations;
        render();
      } catch (err) {
        if (seq === state.loadSeq) toast(`The rooms and equipment couldn't be loaded: ${err.message}`, "error");
      } finally {
        if (seq === state.loadSeq) mount.setAttribute("aria-busy", "false");
      }
      return;
    }
    try {
      const noStatuses = state.statuses.size === 0;
      const [rows, shading, sessions] = await Promise.all([
        noStatuses ? Promise.resolve([]) : fetchAppointments(range),
        fetchShading(range),
        fetchClasses(range),
      ]);
      if (seq !== state.loadSeq) return;
      state.appointments = new Map(rows.map((a) => [a.id, a]));
      state.shading = shading;
      state.classes = new Map(sessions.map((c) => [c.id, c]));
      render();
    } catch (err) {
      if (seq === state.loadSeq) toast(`The calendar couldn't be loaded: ${err.message}`, "error");
    } finally {
      if (seq === state.loadSeq) mount.setAttribute("aria-busy", "false");
    }
  }

  // --- the calendar ----------------------------------------------------------------------

  function resources() {
    if (resourcesMode()) {
      return cfg.resources.map((r) => ({
        id: `r${r.id}`,
        title: r.quantity > 1 ? `${r.name} (${r.quantity})` : r.name,
        extendedProps: { color: r.color },
      }));
    }
    return columns().map((s) => ({ id: String(s.id), title: s.name, extendedProps: { color: s.color } }));
  }

  function classContent(c, info) {
    const name = h("strong", { class: "cal-ev-name", text: c.class_type.name });
    // A cancelled class holds no seats: it only says so.
    const seats = c.status === "cancelled" ? null : h("span", { class: "cal-ev-seats", text: seatsText(c) });
    const badge = c.status === "cancelled" ? h("span", { class: "cal-ev-status", text: "Cancelled" })
      : c.taken >= c.capacity ? h("span", { class: "cal-ev-status", text: "Full" }) : null;
    const view = info.view.type;
    if (view === "listWeek") {
      return { domNodes: [h("span", { class: "cal-ev-line" },
        h("span", { class: "cal-ev-kind", text: "Class" }), " ", name, seats ? " · " : null, seats, ` · ${c.instructor.name}`, badge ? " " : null, badge)] };
    }
    if (view === "dayGridMonth") {
      return { domNodes: [h("span", { class: "cal-ev-line" }, h("span", { class: "cal-ev-time", text: info.timeText }), " ", name, seats ? " · " : null, seats ?? badge)] };
    }
    return { domNodes: [
      h("span", { class: "cal-ev-head" },
        view === "resourceTimeGridWeek" ? null : h("span", { class: "cal-ev-time", text: info.timeText }), " ", name),
      h("span", { class: "cal-ev-service" }, seats, isResourceView() ? null : `${seats ? " · " : ""}${c.instructor.name}`, badge ? " " : null, badge),
    ] };
  }

  function eventContent(info) {
    const classId = info.event.extendedProps.classSessionId;
    if (classId) {
      const c = state.classes.get(classId);
      return c ? classContent(c, info) : undefined;
    }
    const reservation = info.event.extendedProps.reservation;
    if (reservation) {
      const resource = cfg.resources.find((x) => x.id === reservation.resource);
      const nodes = [
        h("span", { class: "cal-ev-head" }, h("span", { class: "cal-ev-time", text: info.timeText }), " ",
          h("strong", { class: "cal-ev-name", text: reservation.holder.title })),
      ];
      if (resource && resource.quantity > 1) nodes.push(h("span", { class: "cal-ev-service", text: `Unit ${reservation.unit}` }));
      return { domNodes: nodes };
    }
    const id = info.event.extendedProps.appointmentId;
    const a = id && state.appointments.get(id);
    if (!a) return undefined;
    const status = a.status !== "confirmed" ? h("span", { class: "cal-ev-status", text: statusLabel[a.status] }) : null;
    if (info.view.type === "listWeek") {
      return { domNodes: [h("span", { class: "cal-ev-line" },
        h("strong", { text: a.customer.full_name }), ` · ${a.service.name} · ${a.staff.display_name}`, status ? " " : null, status)] };
    }
    if (info.view.type === "dayGridMonth") {
      return { domNodes: [h("span", { class: "cal-ev-line" }, h("span", { class: "cal-ev-time", text: info.timeText }), " ", h("strong", { text: a.customer.full_name }))] };
    }
    // Time and name on the first line, so a 30-minute booking still says who it is.
    return { domNodes: [
      h("span", { class: "cal-ev-head" },
        // A person-and-day column is too narrow for the time: its position tells it.
        info.view.type === "resourceTimeGridWeek" ? null : h("span", { class: "cal-ev-time", text: info.timeText }), " ",
        h("strong", { class: "cal-ev-name", text: a.customer.full_name })),
      h("span", { class: "cal-ev-service" }, isResourceView() ? a.service.name : `${a.service.name} · ${a.staff.display_name}`, status ? " " : null, status),
    ] };
  }

  function eventDidMount(info) {
    const reservation = info.event.extendedProps.reservation;
    if (reservation) {
      const resource = cfg.resources.find((x) => x.id === reservation.resource);
      info.el.dataset.reservationId = reservation.id;
      info.el.setAttribute("aria-label", `${resource ? resource.name : "Resource"} unit ${reservation.unit}: ${reservation.holder.title}, ${when(reservation.start, reservation.end)}`);
      if (reservation.holder.kind === "appointment") {
        info.el.tabIndex = 0;
        info.el.setAttribute("role", "button");
        info.el.addEventListener("keydown", (event) => {
          if (event.key === "Enter" || event.key === " ") { event.preventDefault(); panel.open(reservation.holder.id, info.el); }
        });
      }
      return;
    }
    const classId = info.event.extendedProps.classSessionId;
    if (classId) {
      const c = state.classes.get(classId);
      info.el.dataset.classSessionId = classId;
      info.el.tabIndex = 0;
      info.el.setAttribute("role", "link");
      if (c) {
        const seats = c.status === "cancelled" ? "cancelled" : `${c.taken} of ${c.capacity} booked${c.waitlisted ? `, ${c.waitlisted} waiting` : ""}`;
        info.el.setAttribute("aria-label", `Class: ${c.class_type.name} with ${c.instructor.name}, ${when(c.start, c.end)}, ${seats}. Opens the class page.`);
        info.el.title = `${c.class_type.name} · ${c.status === "cancelled" ? "cancelled" : seatsText(c)} · open the class page`;
      }
      info.el.addEventListener("keydown", (event) => {
        if (event.key === "Enter") { event.preventDefault(); openClass(classId); }
      });
      return;
    }
    const id = info.event.extendedProps.appointmentId;
    if (info.event.display === "background") {
      // Time off says why (a screen reader hears it too; the stripes alone don't tell).
      if (info.event.classNames.includes("cal-timeoff")) {
        info.el.append(h("span", { class: "cal-bg-label", text: info.event.title || "Time off" }));
      }
      return;
    }
    if (!id) return;
    const a = state.appointments.get(id);
    info.el.dataset.appointmentId = id;
    info.el.tabIndex = 0;
    info.el.setAttribute("role", "button");
    if (a) {
      info.el.setAttribute("aria-label", `${a.customer.full_name}, ${a.service.name} with ${a.staff.display_name}, ${when(a.start, a.end)}, ${statusLabel[a.status]}`);
    }
    info.el.addEventListener("keydown", (event) => {
      if (event.key === "Enter" || event.key === " ") { event.preventDefault(); panel.open(id, info.el); }
    });
  }

  // A class is run on its own page (roster, check-in, waitlist): the calendar links there.
  function openClass(id) {
    const c = state.classes.get(id);
    if (c) window.location.assign(c.url);
  }

  // Where a selection would book: its column's person, else the one the filter shows.
  const selectionStaff = (info) => (info.resource ? Number(info.resource.id) : (state.staff ?? cfg.ownStaffId));

  const ec = EventCalendar.create(mount, {
    view: calendarView(),
    ...(linkedDate ? { date: linkedDate } : {}),
    locale: "en-GB",
    timeZone: zone.offsetString(),
    firstDay: 1,
    height: PHONE.matches ? "auto" : "max(520px, calc(100vh - 360px))",
    headerToolbar: { start: "prev,next today", center: "title", end: "" },
    buttonText: { today: "Today" },
    resources: resources(),
    datesAboveResources: true,
    events: [],
    nowIndicator: true,
    slotDuration: "00:30",
    snapDuration: "00:15",
    scrollTime: "07:30",
    slotHeight: 32,
    dayMaxEvents: true,
    allDaySlot: false,
    editable: true,
    // Dragging an edge changes the length (through the same reschedule service as a move).
    eventDurationEditable: true,
    selectable: true,
    selectMinDistance: 5,
    unselectAuto: true,
    eventTimeFormat: { hour: "2-digit", minute: "2-digit" },
    slotLabelFormat: { hour: "2-digit", minute: "2-digit" },
    eventContent,
    eventDidMount,
    noEventsContent: "Nothing booked in this range.",
    datesSet(info) {
      state.range = { start: wallOfCalendarDate(info.start), end: wallOfCalendarDate(info.end) };
      load();
    },
    eventClick(info) {
      const classId = info.event.extendedProps.classSessionId;
      if (classId) { openClass(classId); return; }
      const reservation = info.event.extendedProps.reservation;
      if (reservation) {
        if (reservation.holder.kind === "appointment") panel.open(reservation.holder.id, info.el);
        return;
      }
      const id = info.event.extendedProps.appointmentId;
      if (id) panel.open(id, info.el);
    },
    eventDrop(info) {
      const id = info.event.extendedProps.appointmentId;
      const a = state.appointments.get(id);
      if (!a) { info.revert(); return; }
      const staffId = info.newResource ? Number(info.newResource.id) : null;
      move(a, wallOfCalendarDate(info.event.start), staffId, info.revert);
    },
    eventResize(info) {
      const id = info.event.extendedProps.appointmentId;
      const a = state.appointments.get(id);
      if (!a) { info.revert(); return; }
      const minutes = Math.round((info.event.end - info.event.start) / 60000);
      move(a, wallOfCalendarDate(info.event.start), null, info.revert, minutes);
    },
    // A selection can't be drawn over a class its person teaches (the server refuses such a
    // booking anyway); it stops at the class's edge. (Hidden classes: `select` says why.)
    selectConstraint(info) {
      if (info.allDay || resourcesMode() || !state.showClasses) return true;
      return !classAt(selectionStaff(info), wallOfCalendarDate(info.start), wallOfCalendarDate(info.end));
    },
    select(info) {
      ec.unselect();
      if (resourcesMode()) return; // bookings are made for a person, in the other views
      const startWall = info.allDay ? `${wallOfCalendarDate(info.start).slice(0, 10)}T09:00:00` : wallOfCalendarDate(info.start);
      const minutes = info.allDay ? null : Math.round((info.end - info.start) / 60000);
      const staffId = selectionStaff(info);
      const busy = info.allDay ? null : classAt(staffId, startWall, wallOfCalendarDate(info.end));
      if (busy) { toast(`Not available: ${classBusyText(busy)}`, "error"); return; }
      creator.open({ start: startWall, staffId, minutes });
    },
  });

  // --- moving (drag and drop, or the panel's "Move") ---------------------------------------

  const confirmDialog = document.getElementById("confirm-dialog");
  function confirmOutsideHours(text) {
    return new Promise((resolve) => {
      confirmDialog.querySelector("[data-confirm-text]").textContent = text;
      const done = () => { confirmDialog.removeEventListener("close", done); resolve(confirmDialog.returnValue === "yes"); };
      confirmDialog.returnValue = "";
      confirmDialog.addEventListener("close", done);
      confirmDialog.showModal();
      confirmDialog.querySelector("[data-confirm-no]").focus();
    });
  }

  // Move (new start and/or staff) or resize (`minutes`: the new length); the server keeps the
  // current length when none is given.
  async function move(a, startWall, staffId, revert, minutes = null) {
    const body = { start: new Date(zone.instant(startWall)).toISOString() };
    if (staffId !== null && staffId !== a.staff.id) body.staff = staffId;
    if (minutes !== null) body.duration_minutes = minutes;
    const length = minutes ?? Math.round((new Date(a.end) - new Date(a.start)) / 60000);
    const target = staffById.get(body.staff ?? a.staff.id);
    const url = `${cfg.urls.appointments}${a.id}/reschedule/`;
    try {
      let moved;
      try {
        moved = await api("POST", url, body);
      } catch (err) {
        if (!(err.code === "outside_hours" && cfg.canManage)) throw err;
        const who = target ? target.name : "this staff member";
        const ok = await confirmOutsideHours(`${when(body.start, zone.instant(addMinutes(startWall, length)))} is outside ${who}'s working hours. Move the appointment anyway?`);
        if (!ok) { if (revert) revert(); return false; }
        moved = await api("POST", url, { ...body, allow_outside_hours: true });
      }
      upsert(moved, { highlight: true });
      const verb = minutes !== null ? "Changed" : "Moved";
      toast(`${verb} ${moved.customer.full_name} to ${when(moved.start, moved.end)}${body.staff ? ` with ${moved.staff.display_name}` : ""}.`);
      return true;
    } catch (err) {
      if (revert) revert();
      const busy = err.code === "slot_taken" ? classAt(body.staff ?? a.staff.id, startWall, addMinutes(startWall, length)) : null;
      toast(`Not moved: ${busy ? classBusyText(busy) : firstMessage(err)}`, "error");
      return false;
    }
  }

  // --- the "new appointment" dialog --------------------------------------------------------

  const creator = (() => {
    const dialog = document.getElementById("create-dialog");
    const form = dialog.querySelector("[data-create-form]");
    const q = (sel) => form.querySelector(sel);
    const search = q("#create-customer-search");
    const results = q("#create-customer-results");
    const staffSelect = q("#create-staff");
    const serviceSelect = q("#create-service");
    const dateInput = q("#create-date");
    const timeInput = q("#create-time");
    const endsAt = q("[data-ends-at]");
    const formError = q("[data-form-error]");
    const override = q("[data-override]");
    const submit = q("[data-submit]");
    const creditsBox = q("[data-credits]");
    const creditsCheck = q("[data-credits-box]");
    const creditsLabel = q("[data-credits-label]");
    const creditsHelp = q("[data-credits-help]");
    let customer = null; // {id, full_name, email, phone} when an existing one is chosen
    let mode = "search"; // or "new"
    let searchSeq = 0;
    let searchTimer = null;
    let idempotencyKey = null;
    let wantedMinutes = null;
    let sentBody = null; // the body last sent with idempotencyKey (JSON)
    let creditsSeq = 0;
    let creditsFor = null; // "customer:service" the credit offer was made for

    const newKey = () => (window.crypto && crypto.randomUUID ? crypto.randomUUID() : `${Date.now()}-${Math.random()}`);

    function clearErrors() {
      formError.hidden = true;
      override.hidden = true;
      form.querySelectorAll("[data-error-for]").forEach((el) => { el.textContent = ""; });
      form.querySelectorAll(".field.has-error").forEach((el) => el.classList.remove("has-error"));
      form.querySelectorAll("[aria-invalid]").forEach((el) => el.removeAttribute("aria-invalid"));
    }

    function showErrors(err) {
      const errors = err.errors || {};
      let placed = false;
      for (const [field, messages] of Object.entries(errors)) {
        const name = field === "new_customer" ? "new_customer.name" : field;
        const target = form.querySelector(`[data-error-for="${CSS.escape(name)}"]`);
        if (!target) continue;
        target.textContent = messages.join(" ");
        const wrap = target.closest(".field");
        if (wrap) {
          wrap.classList.add("has-error");
          const control = wrap.querySelector("input, select, textarea");
          if (control) { control.setAttribute("aria-invalid", "true"); if (!placed) control.focus(); }
        }
        placed = true;
      }
      if (!placed || err.code !== "validation_error") {
        formError.textContent = placed ? "Please correct the fields marked below." : firstMessage(err);
        formError.hidden = false;
      } else {
        formError.textContent = "Please correct the fields marked below.";
        formError.hidden = false;
      }
    }

    function setMode(next) {
      mode = next;
      q("[data-customer-search]").hidden = next !== "search" || customer !== null;
      q("[data-customer-chosen]").hidden = customer === null;
      q("[data-customer-new]").hidden = next !== "new";
      if (next === "new") { customer = null; q("[data-customer-chosen]").hidden = true; q("#create-name").focus(); }
      if (next === "search" && customer === null) search.focus();
      refreshCredits();
    }

    // "Pay with a package credit": offered only for an existing customer whose package covers
    // the chosen service, as /credits/ lists them (a booking draws from the first package).
    function hideCredits() {
      creditsSeq += 1;
      creditsFor = null;
      creditsBox.hidden = true;
      creditsCheck.checked = false;
    }

    async function refreshCredits({ force } = { force: false }) {
      const serviceId = Number(serviceSelect.value);
      if (mode !== "search" || !customer || !serviceId) { hideCredits(); return; }
      const wanted = `${customer.id}:${serviceId}`;
      if (wanted === creditsFor && !force) return;
      const seq = ++creditsSeq;
      let data;
      try {
        data = await api("GET", `${cfg.urls.customers}${customer.id}/credits/?${new URLSearchParams({ service: serviceId })}`);
      } catch (err) {
        // Booking without credits still works; the offer just isn't made.
        if (seq === creditsSeq) hideCredits();
        return;
      }
      if (seq !== creditsSeq) return;
      const first = data.packages[0];
      if (!data.available || !first) { hideCredits(); return; }
      // Ticked stays ticked for the same customer and service (a refresh after a refusal).
      const keep = creditsFor === wanted && creditsCheck.checked;
      creditsFor = wanted;
      const validity = first.expires_at ? `expires ${shortDate(first.expires_at)}` : `valid ${first.validity_days} days from first use`;
      creditsLabel.textContent = `Pay with a package credit (${first.balance} left in ‘${first.name}’, ${validity})`;
      const others = data.available - first.balance;
      creditsHelp.textContent = [
        others > 0 ? `${creditsText(others)} more in ${data.packages.length === 2 ? "another package" : `${data.packages.length - 1} other packages`}.` : "",
        "Cancelling or declining the appointment gives the credit back.",
      ].filter(Boolean).join(" ");
      creditsCheck.checked = keep;
      creditsBox.hidden = false;
    }

    function choose(c) {
      customer = c;
      q("[data-chosen-name]").textContent = c.full_name;
      q("[data-chosen-contact]").textContent = [c.email, c.phone].filter(Boolean).join(" · ");
      results.hidden = true;
      search.setAttribute("aria-expanded", "false");
      setMode("search");
      staffSelect.focus();
    }

    async function runSearch() {
      const term = search.value.trim();
      const seq = ++searchSeq;
      if (term.length < 2) { results.hidden = true; search.setAttribute("aria-expanded", "false"); return; }
      try {
        const page = await api("GET", `${cfg.urls.customers}?${new URLSearchParams({ search: term, limit: "8", ordering: "full_name" })}`);
        if (seq !== searchSeq) return;
        results.replaceChildren(
          ...page.results.map((c, i) => h("li", {
            role: "option", id: `customer-option-${c.id}`, class: "cal-result", "aria-selected": i === 0 ? "true" : "false",
            onmousedown: (event) => { event.preventDefault(); choose(c); },
          }, h("strong", { text: c.full_name }), h("span", { class: "muted small", text: ` ${c.email}` }))),
          h("li", { role: "option", id: "customer-option-new", class: "cal-result cal-result-new", "aria-selected": page.results.length ? "false" : "true",
            onmousedown: (event) => { event.preventDefault(); startNew(term); } }, `+ New customer “${term}”`),
        );
        results._customers = page.results;
        results.hidden = false;
        search.setAttribute("aria-expanded", "true");
        const active = results.querySelector('[aria-selected="true"]');
        if (active) search.setAttribute("aria-activedescendant", active.id);
      } catch (err) {
        if (seq === searchSeq) toast(`Customer search failed: ${err.message}`, "error");
      }
    }

    function startNew(term) {
      results.hidden = true;
      search.setAttribute("aria-expanded", "false");
      setMode("new");
      if (term) {
        if (term.includes("@")) q("#create-email").value = term;
        else q("#create-name").value = term;
      }
    }

    search.addEventListener("input", () => { clearTimeout(searchTimer); searchTimer = setTimeout(runSearch, 200); });
    search.addEventListener("keydown", (event) => {
      const options = [...results.querySelectorAll("[role=option]")];
      if (results.hidden || !options.length) return;
      let index = options.findIndex((o) => o.getAttribute("aria-selected") === "true");
      if (event.key === "ArrowDown" || event.key === "ArrowUp") {
        event.preventDefault();
        index = (index + (event.key === "ArrowDown" ? 1 : options.length - 1)) % options.length;
        options.forEach((o, i) => o.setAttribute("aria-selected", i === index ? "true" : "false"));
        search.setAttribute("aria-activedescendant", options[index].id);
      } else if (event.key === "Enter") {
        event.preventDefault();
        const list = results._customers || [];
        if (index >= 0 && index < list.length) choose(list[index]);
        else startNew(search.value.trim());
      } else if (event.key === "Escape") {
        event.preventDefault();
        event.stopPropagation();
        results.hidden = true;
        search.setAttribute("aria-expanded", "false");
      }
    });
    q("[data-new-customer]").addEventListener("click", () => startNew(search.value.trim()));
    q("[data-customer-existing]").addEventListener("click", () => { customer = null; setMode("search"); });
    q("[data-customer-change]").addEventListener("click", () => { customer = null; search.value = ""; setMode("search"); });

    function fillServices() {
      const staff = staffById.get(Number(staffSelect.value));
      const offered = cfg.services.filter((s) => s.active && staff && staff.services.includes(s.id));
      const previous = Number(serviceSelect.value);
      serviceSelect.replaceChildren(...offered.map((s) => h("option", { value: s.id, text: `${s.name} (${s.duration} min)` })));
      if (!offered.length) serviceSelect.append(h("option", { value: "", text: "This person offers no active services" }));
      // Keep the chosen service; else the one whose length matches the selection; else the first.
      const closest = wantedMinutes
        ? [...offered].sort((x, y) => Math.abs(x.duration - wantedMinutes) - Math.abs(y.duration - wantedMinutes))[0]
        : null;
      const match = offered.find((s) => s.id === previous) || offered.find((s) => state.service === s.id) ||
        closest || offered[0];
      if (match) serviceSelect.value = String(match.id);
      updateEnd();
      refreshCredits();
    }

    function startWall() {
      if (!dateInput.value || !timeInput.value) return null;
      return `${dateInput.value}T${timeInput.value.slice(0, 5)}:00`;
    }

    function updateEnd() {
      const service = serviceById.get(Number(serviceSelect.value));
      const start = startWall();
      endsAt.textContent = service && start ? `Ends at ${addMinutes(start, service.duration).slice(11, 16)} (${service.duration} minutes).` : "";
    }

    staffSelect.addEventListener("change", fillServices);
    serviceSelect.addEventListener("change", () => { updateEnd(); refreshCredits(); });
    dateInput.addEventListener("change", updateEnd);
    timeInput.addEventListener("change", updateEnd);
    timeInput.addEventListener("input", updateEnd);

    async function book(allowOutsideHours) {
      clearErrors();
      const start = startWall();
      if (!start) {
        q('[data-error-for="start"]').textContent = "Pick a date and a start time.";
        q('[data-field="start"]').classList.add("has-error");
        (dateInput.value ? timeInput : dateInput).focus();
        return;
      }
      const body = {
        staff: Number(staffSelect.value) || null,
        service: Number(serviceSelect.value) || null,
        start: new Date(zone.instant(start)).toISOString(),
        notes: q("#create-notes").value,
        allow_outside_hours: allowOutsideHours,
      };
      if (mode === "new") {
        body.new_customer = { name: q("#create-name").value.trim(), email: q("#create-email").value.trim(), phone: q("#create-phone").value.trim() };
      } else if (customer) {
        body.customer = customer.id;
      } else {
        q('[data-error-for="customer"]').textContent = "Find the customer, or add a new one.";
        q('[data-field="customer"]').classList.add("has-error");
        search.focus();
        return;
      }
      if (!creditsBox.hidden && creditsCheck.checked && body.customer) body.pay_with_credits = true;
      // A retry of the same body keeps its key (never books twice); another body (another
      // time, "book anyway", with or without a credit) is another request: another key.
      const payload = JSON.stringify(body);
      if (payload !== sentBody) { idempotencyKey = newKey(); sentBody = payload; }
      submit.disabled = true;
      try {
        const created = await api("POST", cfg.urls.appointments, body, { "Idempotency-Key": idempotencyKey });
        dialog.close();
        upsert(created, { highlight: true });
        const paid = created.credit_payment;
        toast(`Booked ${created.customer.full_name} for ${created.service.name}, ${when(created.start, created.end)} (${created.reference})${paid ? `, paid with ${creditsText(paid.credits)} from ‘${paid.package_name}’` : ""}.`);
      } catch (err) {
        if (err.code === "outside_hours" && cfg.canManage && !allowOutsideHours) {
          q("[data-override-text]").textContent = `${err.message} You can still book it, or pick another time.`;
          override.hidden = false;
          q("[data-override-yes]").focus();
        } else {
          const service = serviceById.get(body.service);
          const busy = err.code === "slot_taken" && service ? classAt(body.staff, start, addMinutes(start, service.duration)) : null;
          showErrors(busy ? Object.assign(err, { message: classBusyText(busy) }) : err);
          // The credits changed since they were offered: offer what is left (if anything).
          if (err.code === "insufficient_credits") refreshCredits({ force: true });
        }
      } finally {
        submit.disabled = false;
      }
    }

    form.addEventListener("submit", (event) => { event.preventDefault(); book(false); });
    q("[data-override-yes]").addEventListener("click", () => book(true));
    q("[data-override-no]").addEventListener("click", () => { override.hidden = true; timeInput.focus(); });
    dialog.querySelectorAll("[data-close]").forEach((b) => b.addEventListener("click", () => dialog.close()));

    function open({ start, staffId, minutes }) {
      clearErrors();
      form.reset();
      customer = null;
      wantedMinutes = minutes;
      idempotencyKey = newKey();
      sentBody = null;
      hideCredits();
      const people = cfg.canManage ? cfg.staff : cfg.staff.filter((s) => s.id === cfg.ownStaffId);
      staffSelect.replaceChildren(...people.map((s) => h("option", { value: s.id, text: s.name })));
      staffSelect.disabled = people.length <= 1;
      const chosen = people.find((s) => s.id === staffId) || people[0];
      if (chosen) staffSelect.value = String(chosen.id);
      dateInput.value = start.slice(0, 10);
      timeInput.value = start.slice(11, 16);
      serviceSelect.replaceChildren(); // a fresh choice: no "previous" service to keep
      fillServices();
      setMode("search");
      results.hidden = true;
      dialog.showModal();
      search.focus();
    }

    return { open };
  })();

  const newButton = document.querySelector("[data-new-appointment]");
  if (newButton) {
    newButton.addEventListener("click", () => {
      // The next quarter hour today, or 09:00 on the first visible day when today isn't shown.
      const now = zone.wall(Date.now());
      let start = `${now.slice(0, 11)}${pad(Number(now.slice(11, 13)))}:${pad(Math.ceil(Number(now.slice(14, 16)) / 15) * 15 % 60)}:00`;
      if (Number(now.slice(14, 16)) > 45) start = addMinutes(`${now.slice(0, 13)}:00:00`, 60);
      if (state.range && (start < state.range.start || start >= state.range.end)) start = `${state.range.start.slice(0, 10)}T09:00:00`;
      creator.open({ start, staffId: state.staff ?? cfg.ownStaffId, minutes: null });
    });
  }

  // --- the appointment side panel ----------------------------------------------------------

  const panel = (() => {
    const dialog = document.getElementById("appointment-panel");
    const body = dialog.querySelector("[data-panel-body]");
    const error = dialog.querySelector("[data-panel-error]");
    let current = null;
    let opener = null;
    let openSeq = 0;

    dialog.querySelector("[data-close]").addEventListener("click", () => dialog.close());
    dialog.addEventListener("close", () => {
      current = null;
      if (opener && opener.isConnected) opener.focus();
      else if (opener) {
        const again = document.querySelector(`[data-appointment-id="${opener.dataset.appointmentId}"]`);
        if (again) again.focus();
      }
    });
    // A click on the backdrop (outside the sheet) closes it.
    dialog.addEventListener("click", (event) => { if (event.target === dialog) dialog.close(); });

    function showError(message) { error.textContent = message; error.hidden = !message; }

    const ACTIVITY = {
      created: "Booked", rescheduled: "Moved", notes: "Changed the private notes",
    };
    function activityText(row) {
      if (row.action.startsWith("status:")) {
        const to = row.action.slice(7);
        return `${statusLabel[to] || to}${row.after && row.after.status_reason && (to === "rejected" || to === "cancelled") ? `: “${row.after.status_reason}”` : ""}`;
      }
      if (row.action === "rescheduled" && row.after && row.before) {
        const staffChange = row.after.staff_id !== row.before.staff_id && staffById.has(row.after.staff_id)
          ? ` with ${staffById.get(row.after.staff_id).name}` : "";
        return `Moved from ${when(row.before.start, row.before.end)} to ${when(row.after.start, row.after.end)}${staffChange}`;
      }
      return ACTIVITY[row.action] || row.action;
    }

    function section(title, ...children) {
      const id = `panel-${title.toLowerCase().replace(/[^a-z]+/g, "-")}`;
      return h("section", { class: "cal-panel-section", "aria-labelledby": id }, h("h3", { id, text: title }), ...children);
    }

    // Paid with a package credit (from the detail API): which package, and whether the credit
    // went back (a cancelled or declined appointment returns it).
    function creditLine(a) {
      const paid = a.credit_payment;
      if (!paid) return null;
      const packagesUrl = root.dataset.customerPackagesUrl;
      const link = packagesUrl && cfg.canManage
        ? h("a", { class: "cal-credit-link", href: packagesUrl.replace(/0\/$/, `${a.customer.id}/`), text: "View packages" })
        : null;
      const what = paid.refunded
        ? `${paid.credits === 1 ? "Credit" : creditsText(paid.credits)} returned to ‘${paid.package_name}’`
        : `Paid with ${creditsText(paid.credits)} from ‘${paid.package_name}’`;
      return h("p", { class: "cal-credit-row", "data-panel-credit": paid.refunded ? "returned" : "paid" },
        h("span", { class: `cal-credit${paid.refunded ? " is-returned" : ""}`, "data-credit-text": true, text: what }),
        paid.refunded ? h("span", { class: "muted small", text: stampFmt.format(new Date(paid.refunded_at)) }) : null,
        link);
    }

    function statusActions(a) {
      if (!mayChange(a)) return h("p", { class: "muted small", text: "Only owners, managers and the staff member can change this appointment." });
      const options = TRANSITIONS[a.status] || [];
      if (!options.length) return h("p", { class: "muted small", text: `This appointment is ${statusLabel[a.status].toLowerCase()}: nothing more to do.` });
      const reasonBox = h("div", { class: "field cal-reason", hidden: true },
        h("label", { for: "panel-reason", text: "Reason (the customer is told)" }),
        h("textarea", { id: "panel-reason", class: "input", rows: "2", maxlength: "500" }),
        h("div", { class: "field-error", "data-error-for": "reason" }),
        h("div", { class: "row" },
          h("button", { type: "button", class: "btn btn-danger btn-sm", "data-reason-submit": true }),
          h("button", { type: "button", class: "btn btn-secondary btn-sm", text: "Back", onclick: () => { reasonBox.hidden = true; } })));
      const buttons = options.map((to) => h("button", {
        type: "button",
        class: `btn btn-sm ${to === "confirmed" || to === "completed" ? "btn-primary" : "btn-secondary"}`,
        "data-status-action": to,
        text: ACTION_LABEL[to],
        onclick: () => {
          if (!NEEDS_REASON.has(to)) { transition(a, to, ""); return; }
          reasonBox.hidden = false;
          const go = reasonBox.querySelector("[data-reason-submit]");
          go.textContent = to === "rejected" ? "Reject booking" : "Cancel booking";
          go.onclick = () => transition(a, to, reasonBox.querySelector("textarea").value.trim(), reasonBox);
          reasonBox.querySelector("textarea").focus();
        },
      }));
      return h("div", {}, h("div", { class: "row cal-actions" }, buttons), reasonBox);
    }

    async function transition(a, to, reason, reasonBox) {
      showError("");
      if (NEEDS_REASON.has(to) && !reason) {
        const slot = reasonBox.querySelector("[data-error-for=reason]");
        slot.textContent = "Please give a reason: the customer is told.";
        reasonBox.classList.add("has-error");
        reasonBox.querySelector("textarea").focus();
        return;
      }
      try {
        const changed = await api("POST", `${cfg.urls.appointments}${a.id}/status/`, { status: to, reason });
        upsert(changed, { highlight: true });
        toast(`${changed.customer.full_name}: ${statusLabel[changed.status].toLowerCase()}.`);
        await fill(changed.id);
      } catch (err) {
        showError(firstMessage(err));
      }
    }

    function moveForm(a) {
      if (!mayChange(a) || !MOVABLE.has(a.status)) return null;
      const startWall = zone.wall(a.start);
      const people = cfg.canManage ? cfg.staff : cfg.staff.filter((s) => s.id === a.staff.id);
      const staffSelect = h("select", { id: "panel-move-staff", disabled: people.length <= 1 },
        people.map((s) => h("option", { value: s.id, text: s.name, selected: s.id === a.staff.id })));
      const date = h("input", { type: "date", id: "panel-move-date", value: startWall.slice(0, 10) });
      const time = h("input", { type: "time", id: "panel-move-time", step: "300", value: startWall.slice(11, 16) });
      const button = h("button", { type: "submit", class: "btn btn-secondary btn-sm", text: "Move" });
      const form = h("form", { class: "cal-move", onsubmit: async (event) => {
        event.preventDefault();
        if (!date.value || !time.value) { showError("Pick a date and a start time."); return; }
        button.disabled = true;
        const ok = await move(a, `${date.value}T${time.value.slice(0, 5)}:00`, Number(staffSelect.value), null);
        button.disabled = false;
        if (ok) await fill(a.id);
      } },
      h("div", { class: "field" }, h("label", { for: "panel-move-date", text: "Date" }), date),
      h("div", { class: "field" }, h("label", { for: "panel-move-time", text: "Start" }), time),
      h("div", { class: "field" }, h("label", { for: "panel-move-staff", text: "Staff" }), staffSelect),
      h("div", { class: "cal-move-go" }, button));
      return h("details", { class: "cal-move-wrap" }, h("summary", { text: "Move to another time or person" }), form);
    }

    function notesForm(a) {
      const area = h("textarea", { id: "panel-notes", class: "input", rows: "3", maxlength: "5000" });
      area.value = a.owner_notes || "";
      const status = h("span", { class: "muted small", role: "status" });
      const button = h("button", { type: "submit", class: "btn btn-secondary btn-sm", text: "Save notes" });
      return h("form", { class: "stack cal-notes", onsubmit: async (event) => {
        event.preventDefault();
        button.disabled = true;
        status.textContent = "";
        try {
          const saved = await api("PATCH", `${cfg.urls.appointments}${a.id}/`, { owner_notes: area.value });
          state.appointments.set(saved.id, saved);
          status.textContent = "Saved.";
          await fillActivity(saved.id);
        } catch (err) {
          showError(firstMessage(err));
        } finally {
          button.disabled = false;
        }
      } },
      h("label", { for: "panel-notes", class: "sr-only", text: "Private notes" }), area, h("div", { class: "row" }, button, status));
    }

    const activityList = h("ol", { class: "cal-activity", "data-activity": true });
    const historyList = h("ul", { class: "cal-history", "data-history": true });

    async function fillActivity(id) {
      const page = await api("GET", `${cfg.urls.appointments}${id}/activity/?limit=100`);
      activityList.replaceChildren(...page.results.map((row) => h("li", {},
        h("span", { class: "cal-activity-what", text: activityText(row) }),
        h("span", { class: "muted small", text: ` ${row.actor || "System"} · ${stampFmt.format(new Date(row.created_at))}` }))));
      if (!page.results.length) activityList.replaceChildren(h("li", { class: "muted", text: "No changes yet." }));
    }

    async function fillHistory(a) {
      try {
        const page = await api("GET", `${cfg.urls.customers}${a.customer.id}/appointments/?limit=6`);
        const others = page.results.filter((row) => row.id !== a.id).slice(0, 5);
        historyList.replaceChildren(...others.map((row) => h("li", {},
          h("span", { text: `${dateFmt.format(new Date(row.start))} · ${row.service_name}` }),
          h("span", { class: `badge status-badge status-${row.status}`, text: statusLabel[row.status] || row.status }))));
        if (!others.length) historyList.replaceChildren(h("li", { class: "muted", text: "First booking with you." }));
        else if (page.count > others.length + 1) historyList.append(h("li", { class: "muted small", text: `and ${page.count - others.length - 1} earlier` }));
      } catch (err) {
        historyList.replaceChildren(h("li", { class: "muted", text: "History isn't available right now." }));
      }
    }

    async function fill(id) {
      const seq = ++openSeq;
      showError("");
      body.setAttribute("aria-busy", "true");
      let a;
      try {
        a = await api("GET", `${cfg.urls.appointments}${id}/`);
      } catch (err) {
        if (seq !== openSeq) return;
        body.replaceChildren(h("p", { class: "muted", text: err.status === 404 ? "This appointment no longer exists." : err.message }));
        body.setAttribute("aria-busy", "false");
        if (err.status === 404) { state.appointments.delete(id); ec.removeEventById(`a${id}`); }
        return;
      }
      if (seq !== openSeq) return;
      current = a;
      state.appointments.set(a.id, a);
      dialog.querySelector("[data-panel-reference]").textContent = a.reference;
      dialog.querySelector("[data-panel-title]").textContent = `${a.service.name} with ${a.staff.display_name}`;
      const answers = Object.entries(a.answers || {}).filter(([, v]) => v !== "" && v !== null && v !== false);
      // (Sections that don't apply are null: left out, not written as "null".)
      body.replaceChildren(...[
        h("div", { class: "cal-panel-summary" },
          h("span", { class: `badge status-badge status-${a.status}`, "data-panel-status": a.status, text: statusLabel[a.status] }),
          h("p", { class: "cal-panel-when", text: when(a.start, a.end) }),
          a.status_reason ? h("p", { class: "muted small", text: `Reason: ${a.status_reason}` }) : null,
          h("p", { class: "muted small", text: `${a.price} ${a.currency} · booked ${stampFmt.format(new Date(a.created_at))} via ${a.source.replace("_", " ")}` }),
          creditLine(a)),
        section("Status", statusActions(a)),
        moveForm(a),
        section("Customer",
          h("p", { class: "cal-customer-name" }, h("strong", { text: a.customer.full_name })),
          h("ul", { class: "cal-contact" },
            a.customer.email ? h("li", {}, h("a", { href: `mailto:${a.customer.email}`, text: a.customer.email })) : null,
            a.customer.phone ? h("li", {}, h("a", { href: `tel:${a.customer.phone.replace(/\s+/g, "")}`, text: a.customer.phone })) : null),
          a.customer_note ? h("blockquote", { class: "cal-quote", text: a.customer_note }) : null,
          answers.length ? h("dl", { class: "cal-answers" }, answers.map(([k, v]) => [h("dt", { text: k }), h("dd", { text: Array.isArray(v) ? v.join(", ") : String(v === true ? "Yes" : v) })])) : null,
          h("h4", { class: "cal-subhead", text: "Earlier and later bookings" }), historyList),
        section("Private notes", notesForm(a)),
        section("Activity", activityList),
      ].filter(Boolean));
      body.setAttribute("aria-busy", "false");
      await Promise.all([fillActivity(a.id).catch(() => activityList.replaceChildren(h("li", { class: "muted", text: "The activity log isn't available right now." }))), fillHistory(a)]);
    }

    async function open(id, from) {
      opener = from || document.activeElement;
      body.replaceChildren(h("p", { class: "muted", text: "Loading…" }));
      dialog.querySelector("[data-panel-reference]").textContent = "";
      dialog.querySelector("[data-panel-title]").textContent = "Appointment";
      if (!dialog.open) dialog.showModal();
      dialog.querySelector("[data-close]").focus();
      await fill(id);
    }

    // A live change to the open appointment refreshes the panel (unless someone is typing).
    function changed(id) {
      if (!current || current.id !== id || !dialog.open) return;
      if (dialog.contains(document.activeElement) && document.activeElement.matches("textarea, input")) return;
      fill(id);
    }

    return { open, changed };
  })();

  // --- toolbar -----------------------------------------------------------------------------

  const filters = document.querySelector("[data-cal-filters]");
  function syncToolbar() {
    filters.querySelectorAll("[data-view]").forEach((b) => b.setAttribute("aria-pressed", b.dataset.view === state.view ? "true" : "false"));
    // Staff, service, status and colour filter appointments; the resources view shows units.
    filters.querySelector(".cal-filters").style.display = resourcesMode() ? "none" : "";
    const staffSelect = filters.querySelector('[data-filter="staff"]');
    if (staffSelect) staffSelect.value = state.staff === null ? "" : String(state.staff);
    const serviceSelect = filters.querySelector('[data-filter="service"]');
    serviceSelect.value = state.service === null ? "" : String(state.service);
    filters.querySelectorAll('[data-filter="status"]').forEach((box) => { box.checked = state.statuses.has(box.value); });
    filters.querySelector("[data-status-count]").textContent = `${state.statuses.size}/${cfg.statuses.length}`;
    filters.querySelectorAll('[data-filter="color"]').forEach((radio) => {
      radio.checked = radio.value === state.colorBy;
      radio.closest(".cal-seg").classList.toggle("is-on", radio.checked);
    });
    const classesBox = filters.querySelector('[data-filter="classes"]');
    classesBox.checked = state.showClasses;
    classesBox.closest(".cal-seg").classList.toggle("is-on", state.showClasses);
  }

  function applyView() {
    const view = calendarView();
    ec.setOption("resources", resources());
    if (ec.getOption("view") !== view) ec.setOption("view", view); // datesSet reloads
    else render();
  }

  filters.addEventListener("click", (event) => {
    const button = event.target.closest("[data-view]");
    if (!button) return;
    state.view = button.dataset.view;
    persist();
    syncToolbar();
    applyView();
  });
  filters.addEventListener("change", (event) => {
    const input = event.target;
    if (input.dataset.filter === "color") {
      state.colorBy = input.value;
      persist(); syncToolbar(); render();
      return;
    }
    if (input.dataset.filter === "classes") {
      state.showClasses = input.checked;
      persist(); syncToolbar(); render();
      return;
    }
    if (input.dataset.filter === "staff") state.staff = input.value ? Number(input.value) : null;
    else if (input.dataset.filter === "service") state.service = input.value ? Number(input.value) : null;
    else if (input.dataset.filter === "status") {
      if (input.checked) state.statuses.add(input.value); else state.statuses.delete(input.value);
    } else return;
    persist();
    syncToolbar();
    const view = calendarView();
    ec.setOption("resources", resources());
    if (ec.getOption("view") !== view) ec.setOption("view", view);
    load();
  });
  syncToolbar();

  // --- live updates --------------------------------------------------------------------------
  // The contract is realtime/README.md: `hello` first (then the visible range is read again),
  // then events numbered seq = last + 1; any other number is a gap and the range is read again.

  const live = (() => {
    const badge = document.querySelector("[data-live-status]");
    const text = badge.querySelector("[data-live-text]");
    let socket = null;
    let last = null;
    let attempt = 0;
    let timer = null;
    let stopped = false;

    function show(stateName, label) { badge.dataset.state = stateName; text.textContent = label; }

    // Apply an appointment event at once from its data: where it is, its status, who and what.
    function applyAppointment(message) {
      const data = message.data || {};
      const id = Number(data.id || message.id);
      const known = state.appointments.get(id);
      const staff = staffById.get(Number(data.staff));
      const service = data.service && serviceById.get(Number(data.service.id));
      if (!id || !data.start || !data.end || !data.status || !data.service) { load(); return; }
      if (!staff) {
        // Someone this calendar has no column for (filtered out server-side, or new staff).
        if (known) { state.appointments.delete(id); ec.removeEventById(`a${id}`); }
        return;
      }
      const merged = {
        ...(known || {}),
        id,
        reference: data.reference || (known ? known.reference : ""),
        start: data.start,
        end: data.end,
        status: data.status,
        staff: { id: staff.id, display_name: staff.name, color: staff.color },
        service: {
          id: data.service.id,
          name: data.service.name,
          color: data.service.color,
          duration_minutes: service ? service.duration : Math.round((Date.parse(data.end) - Date.parse(data.start)) / 60000),
        },
        customer: { ...(known ? known.customer : {}), full_name: data.customer_name || (known ? known.customer.full_name : "Customer") },
      };
      upsert(merged, { highlight: true });
      panel.changed(id);
    }

    function onMessage(event) {
      let message;
      try { message = JSON.parse(event.data); } catch (e) { return; }
      const type = String(message.type || "");
      if (type === "hello") {
        // Whatever happened before (or while we were away) is in a fresh read of the range.
        load();
        last = typeof message.seq === "number" ? message.seq : null;
        attempt = 0;
        show("live", "Live");
        return;
      }
      if (type === "refused") {
        stopped = true;
        show("off", message.code === "not_signed_in" ? "Signed out · reload to sign in" : "Live updates off");
        return;
      }
      if (typeof message.seq !== "number") return; // error frames: nothing to do
      if (type === "pong") {
        if (message.seq !== last) { last = message.seq; load(); }
        return;
      }
      const inOrder = last !== null && message.seq === last + 1;
      last = message.seq;
      if (!inOrder) { load(); return; }
      if (type.startsWith("appointment.")) applyAppointment(message);
      else if (type.startsWith("time_off.")) loadShading();
      else if (type.startsWith("class_session.") || type === "enrollment.changed") {
        // A class's rooms and equipment show in the resources view; its seats in the others.
        if (resourcesMode()) { if (type.startsWith("class_session.")) load(); }
        else loadClasses(Number(message.id));
      }
    }

    function connect() {
      clearTimeout(timer);
      if (stopped) return;
      const url = `${location.protocol === "https:" ? "wss" : "ws"}://${location.host}${cfg.urls.socket}`;
      show("connecting", attempt ? "Reconnecting…" : "Connecting…");
      try { socket = new WebSocket(url); } catch (e) { socket = null; retry(); return; }
      socket.addEventListener("message", onMessage);
      socket.addEventListener("close", (event) => {
        socket = null;
        if (stopped || (event.code >= 4400 && event.code < 4500)) {
          stopped = true;
          if (badge.dataset.state !== "off") show("off", event.code === 4401 ? "Signed out · reload to sign in" : "Live updates off");
          return;
        }
        retry();
      });
    }

    function retry() {
      attempt += 1;
      // 1 s, 2 s, 4 s ... up to 30 s, with jitter so a server restart doesn't bring every
      // open calendar back in the same instant.
      const delay = Math.min(30000, 1000 * 2 ** Math.min(attempt - 1, 5)) * (0.75 + Math.random() * 0.5);
      show("offline", `Offline · retrying in ${Math.max(1, Math.round(delay / 1000))} s`);
      timer = setTimeout(connect, delay);
    }

    document.addEventListener("visibilitychange", () => {
      if (document.visibilityState !== "visible" || stopped) return;
      // After sleep: ask whether we missed anything, or retry at once instead of waiting.
      if (socket && socket.readyState === WebSocket.OPEN) socket.send(JSON.stringify({ type: "ping" }));
      else if (!socket) { attempt = 0; connect(); }
    });
    window.addEventListener("online", () => { if (!socket && !stopped) { attempt = 0; connect(); } });
    connect();
    return { get seq() { return last; } };
  })();
  window.studioCalendar = { ec, state, live, load }; // for debugging and browser tests
})();
