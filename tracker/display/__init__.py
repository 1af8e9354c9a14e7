"""The on-air display: the page on the studio's big screen and in OBS / vMix / CasparCG."""
