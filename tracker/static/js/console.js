// The producer's live console for one episode. The page arrives complete (drawn by the
// server); this wires it to the live channel and the API. From here on every change comes in
// over `/control` and every action goes out through the JSON API — never a page reload.

import { createApi } from "./console-api.js";
import { startClocks } from "./console-clocks.js";
import { createCommitmentForm } from "./console-commitment.js";
import { createCorrections } from "./console-corrections.js";
import { createDisplaysView } from "./console-displays.js";
import { createGraphicView } from "./console-graphic.js";
import { enableShortcuts } from "./console-keys.js";
import { connect } from "./console-live.js";
import { expectConnection, notify, showConnection } from "./console-notices.js";
import { createRundownView } from "./console-rundown.js";
import { createCaseSearch } from "./console-search.js";
import { createStageView, createTakes } from "./console-stage.js";
import { Store } from "./console-store.js";
import { createVoteView } from "./console-vote.js";
import { createTiming } from "./console-timing.js";
import { setMessages } from "./console-util.js";

const data = JSON.parse(document.getElementById("console-data").textContent);
setMessages(data.messages);

const store = new Store(data);
const api = createApi(store, notify);
const live = connect(store.episodeId, {
  onState: (state, { snapshot }) => store.applyState(state, { snapshot }),
  onPresence: (clients) => store.setPresence(clients),
  onStatus: (status, details) => {
    showConnection(status, details);
    // Back after a drop: the pushed state has arrived; fetch the details it does not carry.
    if (details.reconnected) api.refreshRundown();
  },
});
const serverNow = live.now;

const takes = createTakes(store, api, notify);
const rundown = createRundownView(store, api, takes);
const focusTable = rundown.focus;
const timing = createTiming(store, api, notify, focusTable);
const stage = createStageView(store, api, notify, focusTable, takes);
const strap = createGraphicView(store, api, notify, focusTable);
const commitment = createCommitmentForm(store, api, notify, serverNow, focusTable);
createCorrections(store, api, notify);
const search = createCaseSearch(store, api, notify, focusTable);
const displays = createDisplaysView(store, live, notify, serverNow);
const vote = createVoteView(store, notify, store.episodeId);
live.on("tally", (tally) => vote.tally(tally));

enableShortcuts(store, api, notify, {
  clearScreen: stage.clearScreen,
  focusCommitment: commitment.focus,
  focusSearch: search.focus,
  take: () => takes.take(),
  takeNext: takes.takeNext,
  cueStrap: () => strap.cue("case"),
  takeStrap: strap.take,
  strapOut: strap.out,
  editPlanned: timing.edit,
  toggleVote: vote.openOrClose,
});
startClocks(store, serverNow, (now) => {
  displays.tick(now);
  timing.tick(now);
  strap.tick(now);
  vote.tick(now);
});
expectConnection();

store.changed();
focusTable();
