"""Hand-written articles for story tests: one event told by three outlets, and others."""

from __future__ import annotations

# (title, text): the same earthquake, three outlets.
QUAKE_BBC = (
    "Strong earthquake hits Chilean city of Valparaiso",
    "A magnitude 7.1 earthquake struck near Valparaiso in central Chile on Monday, killing at "
    "least 12 people, officials said. President Gabriel Boric said the army had been sent to "
    "help rescuers in Valparaiso and Vina del Mar. The quake hit at 06:40 local time at a depth "
    "of 35 km, the US Geological Survey said. Chile's emergency office Senapred ordered the "
    "coast evacuated for fear of a tsunami, and lifted the order two hours later.",
)
QUAKE_GUARDIAN = (
    "Chile earthquake: at least 12 dead as 7.1 quake strikes near Valparaiso",
    "At least 12 people have been killed after a 7.1 magnitude earthquake struck close to "
    "Valparaiso, Chile, on Monday morning. Gabriel Boric, Chile's president, deployed the army "
    "to Valparaiso and neighbouring Vina del Mar. According to the US Geological Survey the "
    "quake was 35 km deep. Senapred, the emergency agency, briefly ordered a tsunami evacuation "
    "of the coast.",
)
QUAKE_NPR = (
    "Deadly 7.1 quake shakes central Chile",
    "A powerful earthquake of magnitude 7.1 shook central Chile near Valparaiso on Monday, and "
    "at least 12 people died, according to officials. Chilean President Gabriel Boric sent "
    "soldiers to Valparaiso and Vina del Mar. The US Geological Survey put the depth at 35 km. "
    "Senapred told people on the coast to leave because of a possible tsunami.",
)
# Same kind of event, other place and people: must never join the Chile story.
QUAKE_JAPAN = (
    "Strong earthquake hits northern Japan",
    "A magnitude 6.8 earthquake struck off Aomori in northern Japan on Monday, injuring 30 "
    "people, the Japan Meteorological Agency said. Prime Minister Shigeru Ishiba said the "
    "government had set up a task force in Tokyo. East Japan Railway halted Tohoku Shinkansen "
    "trains, and Tohoku Electric said the Higashidori nuclear plant was not damaged.",
)
ELECTION = (
    "Portugal's centre-right wins snap election",
    "Portugal's Democratic Alliance led by Luis Montenegro won Sunday's snap election with 32 "
    "per cent, ahead of the Socialists of Pedro Nuno Santos on 28 per cent. Chega, led by Andre "
    "Ventura, came third. President Marcelo Rebelo de Sousa will meet party leaders in Lisbon "
    "on Tuesday before naming a prime minister.",
)
