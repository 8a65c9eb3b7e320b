"""cdht: the learning-community (Cộng đồng học tập, TT 25/2023) data bot."""
