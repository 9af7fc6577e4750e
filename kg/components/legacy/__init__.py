"""The first engine (word lists in Python), kept until the frames engine reaches its scores."""
