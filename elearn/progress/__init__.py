"""Learner progress: which sections a learner has read, and the one function that computes it."""
