"""ISF (innsatsstyrt finansiering): prices, points and NPR reporting deadlines by year."""
