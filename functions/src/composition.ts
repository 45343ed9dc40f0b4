/**
 * Where domains plug into the ports other domains declare: live/ and rooms/ give venues/ their adapters.
 * Imported for its effect by every entry module whose functions reach a port (a deployed function loads
 * only its own module), and by tests that call a port's user directly.
 */
import { recordPkGift } from "./live/pk/score.js";
import { recordStreamGift } from "./live/ranking.js";
import { endStreamsHostedBy } from "./live/streams.js";
import { releaseStreamOccupant } from "./live/viewers.js";
import { recordRoomGift } from "./rooms/level.js";
import { closeRoomsOwnedBy } from "./rooms/lifecycle.js";
import { releaseSeatsOf } from "./rooms/seats.js";
import { registerVenueAdapter } from "./venues/ports.js";

registerVenueAdapter("stream", {
  releaseOccupant: releaseStreamOccupant,
  endHostedBy: endStreamsHostedBy,
  giftRecorders: { "stream ranking": recordStreamGift, "pk score": recordPkGift },
});

registerVenueAdapter("room", {
  releaseOccupant: releaseSeatsOf,
  endHostedBy: closeRoomsOwnedBy,
  giftRecorders: { "room level": recordRoomGift },
});
