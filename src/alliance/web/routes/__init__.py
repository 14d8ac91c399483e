"""The API's routers, one per subsystem: :mod:`.spending` (allies, spending, targets, gaps, shares,
Olson-Zeckhauser, 2035 paths), :mod:`.claims`, :mod:`.negotiation` (scenarios and forecasts), :mod:`.simulation`
(projections to 2035) and :mod:`.sweeps` (background sweep jobs). Each endpoint is a thin call of one public
function of the library: the one the matching ``alliance`` command calls."""
