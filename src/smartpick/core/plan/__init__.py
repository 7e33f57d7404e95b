"""The plan: the optimizer of a list and its signals, the decision rule on the count, the rank
order list."""
