// A tiny Socket.IO client for the vote page: just enough of the protocol (Engine.IO 4 over a
// WebSocket, one namespace, text events) to receive `/live`. The vendored socket.io client is
// 40 KB, most of the phone page's 50 KB budget on slow 3G; this is a few hundred bytes.
//
//   const socket = liveSocket("/live", { episode: 7 }, { state: (s) => {}, tally: (t) => {} }, onStatus);
//   socket.emit("resync");
//
// It reconnects forever with a jittered backoff (0.5 s growing to 5 s) and answers the server's
// pings. On every (re)connect the server sends the full `state` by itself.

export function liveSocket(namespace, auth, handlers, onStatus = () => {}) {
  let ws = null;
  let attempts = 0;
  let silence = null; // the server pings every pingInterval: quiet for longer, the socket is dead
  let quietMs = 60_000;
  const scheme = location.protocol === "https:" ? "wss:" : "ws:";
  const url = `${scheme}//${location.host}/socket.io/?EIO=4&transport=websocket`;

  function send(text) {
    if (ws && ws.readyState === WebSocket.OPEN) ws.send(text);
  }

  function watch() {
    clearTimeout(silence);
    const socket = ws;
    silence = setTimeout(() => socket.close(), quietMs);
  }

  function onMessage(text) {
    watch();
    const type = text[0];
    if (type === "2") return send("3"); // ping → pong
    if (type === "0") {
      const { pingInterval = 25_000, pingTimeout = 20_000 } = JSON.parse(text.slice(1));
      quietMs = pingInterval + pingTimeout;
      watch();
      return send(`40${namespace},${JSON.stringify(auth)}`); // open → join the namespace
    }
    if (type !== "4") return;
    const rest = text.slice(2);
    const body = rest.startsWith(`${namespace},`) ? rest.slice(namespace.length + 1) : rest;
    if (text[1] === "0") {
      attempts = 0;
      onStatus("online");
    } else if (text[1] === "2") {
      const [event, data] = JSON.parse(body.replace(/^\d+/, ""));
      if (handlers[event]) handlers[event](data);
    } else if (text[1] === "4") {
      onStatus("refused");
      ws.close(); // the server refused the namespace: try again later like any drop
    }
  }

  function connect() {
    onStatus("connecting");
    ws = new WebSocket(url);
    ws.onmessage = (event) => onMessage(String(event.data));
    ws.onclose = () => {
      clearTimeout(silence);
      onStatus("offline");
      const ceiling = Math.min(5000, 500 * 1.6 ** attempts++);
      setTimeout(connect, ceiling / 2 + Math.random() * ceiling / 2);
    };
  }

  // A phone that wakes from sleep or gets its network back may hold a dead socket: start afresh.
  document.addEventListener("visibilitychange", () => {
    if (document.visibilityState === "visible" && ws && ws.readyState !== WebSocket.OPEN) ws.close();
  });
  window.addEventListener("online", () => {
    attempts = 0;
    if (ws) ws.close();
  });
  connect();
  return { emit: (event, data) => send(`42${namespace},${JSON.stringify(data === undefined ? [event] : [event, data])}`) };
}
